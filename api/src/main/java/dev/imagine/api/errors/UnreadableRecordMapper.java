package dev.imagine.api.errors;

import dev.imagine.api.dto.ErrorMessage;
import dev.imagine.core.zk.UnreadableRecordException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A job record that cannot be read is gone for the client (410), not a server crash; the operator hears of it. */
public final class UnreadableRecordMapper implements ExceptionMapper<UnreadableRecordException> {
    private static final Logger LOG = LoggerFactory.getLogger(UnreadableRecordMapper.class);

    @Override
    public Response toResponse(UnreadableRecordException exception) {
        LOG.warn("{}", exception.getMessage());
        return Response.status(410).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorMessage(410, "the record of job " + exception.jobId()
                        + " cannot be read and is set aside for the operator; submit the prompt again", "id")).build();
    }
}
