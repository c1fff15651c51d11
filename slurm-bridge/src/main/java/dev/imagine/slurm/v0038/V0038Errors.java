package dev.imagine.slurm.v0038;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.slurm.SlurmEndpoint;
import dev.imagine.slurm.SlurmException;
import dev.imagine.slurm.v0038.client.ApiException;
import dev.imagine.slurm.v0038.model.V0038Error;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * slurmrestd v0.0.38 reports most failures as HTTP 500 with an {@code errors} list; this says what they
 * really mean. Seen on 22.05: no token ⇒ 401 "Authentication failure"; an unknown job id ⇒ 500 with
 * error_number 2017. A bad or expired token is a 500 whose body depends on the endpoint, because
 * slurmctld rejects the request and slurmrestd reports whatever its call returned: "slurmctld config is
 * unable to load" (ping), "Failed while looking for jobs" or "Unable to find JobId=N" with error_number -1
 * (jobs, job), {@code errno: -1} (nodes, partitions), error_code 5005 "Zero Bytes were transmitted or
 * received" (submit). So -1 and 5005 mean "slurmctld refused us", which under rest_auth/jwt is the token.
 */
final class V0038Errors {
    /** ESLURM_INVALID_JOB_ID. */
    static final int INVALID_JOB_ID = 2017;
    /** ESLURM_ALREADY_DONE: cancelling a job that has already ended. */
    static final int ALREADY_DONE = 2021;
    /** SLURM_ERROR: what slurmrestd reports when slurmctld rejected the request's credentials. */
    static final int UNSPECIFIED = -1;
    /** SLURM_COMMUNICATIONS_RECEIVE_ERROR: slurmctld closed the connection on an unauthenticated submit. */
    static final int RECEIVE_ERROR = 5005;
    private static final Pattern JOB_ID = Pattern.compile("JobId=(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SlurmEndpoint endpoint;

    V0038Errors(SlurmEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    SlurmException translate(String what, ApiException e) {
        if (e.getCode() == 0) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String why = cause instanceof ConnectException ? "connection refused"
                    : cause instanceof HttpTimeoutException ? "no answer in time" : cause.toString();
            return new SlurmException.Unreachable("Couldn't reach slurmrestd at " + endpoint.url() + " to " + what
                    + " (" + why + "); is it running? (ops/slurm/local-slurm start, or systemctl start slurmrestd)", cause);
        }
        if (e.getCode() == 401) {
            return new SlurmException.Unauthorized("slurmrestd at " + endpoint.url() + " wants a JWT (HTTP 401"
                    + (endpoint.hasToken() ? "" : ", none was sent") + "); pass --slurm-token-file or set "
                    + SlurmEndpoint.TOKEN_FILE_ENV + " (scontrol token lifespan=86400 makes one)");
        }
        return fromErrors(what, e.getCode(), errorsIn(e.getResponseBody()));
    }

    boolean isAlreadyDone(ApiException e) {
        return e.getCode() != 0 && errorsIn(e.getResponseBody()).stream().anyMatch(r -> r.number() == ALREADY_DONE);
    }

    void throwIfAny(String what, List<V0038Error> errors) {
        if (errors != null && !errors.isEmpty()) {
            List<Reported> reported = new ArrayList<>();
            for (V0038Error error : errors) {
                reported.add(new Reported(error.getErrorNumber() == null ? 0 : error.getErrorNumber(),
                        error.getError(), ""));
            }
            throw fromErrors(what, 200, reported);
        }
    }

    private SlurmException fromErrors(String what, int status, List<Reported> errors) {
        for (Reported error : errors) {
            if (error.number() == INVALID_JOB_ID) {
                Matcher id = JOB_ID.matcher(error.description());
                return new SlurmException.JobNotFound(id.find() ? Long.parseLong(id.group(1)) : -1, endpoint.url());
            }
            if (status == 500 && (error.number() == UNSPECIFIED || error.number() == RECEIVE_ERROR)) {
                return new SlurmException.Unauthorized("slurmrestd at " + endpoint.url() + " refused the JWT for user "
                        + endpoint.user() + " (to " + what + " it says \"" + error + "\", HTTP 500): the token is "
                        + "wrong or expired; renew it with scontrol token username=" + endpoint.user() + " lifespan=86400");
            }
        }
        return new SlurmException("Slurm could not " + what + " (HTTP " + status + "): "
                + (errors.isEmpty() ? "no reason given" : errors.stream().map(Reported::toString).toList()));
    }

    private static List<Reported> errorsIn(String body) {
        List<Reported> errors = new ArrayList<>();
        if (body == null || body.isBlank()) {
            return errors;
        }
        try {
            for (JsonNode error : JSON.readTree(body).path("errors")) {
                // The number's field name varies by endpoint in 22.05: error_number, errno or error_code.
                JsonNode number = error.has("error_number") ? error.get("error_number")
                        : error.has("errno") ? error.get("errno") : error.path("error_code");
                errors.add(new Reported(number.asInt(0), error.path("error").asText(""),
                        error.path("description").asText("")));
            }
        } catch (IOException notJson) {
            errors.add(new Reported(0, body.strip(), ""));
        }
        return errors;
    }

    /** One entry of slurmrestd's errors list; 22.05 adds description and source beyond the spec. */
    private record Reported(long number, String error, String description) {
        @Override
        public String toString() {
            return (description.isEmpty() ? error : description) + (number != 0 ? " (error " + number + ")" : "");
        }
    }
}
