package dev.imagine.api.resources;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imagine.api.auth.Caller;
import dev.imagine.api.core.ImageLinks;
import dev.imagine.api.core.JobLookup;
import dev.imagine.api.core.ZooKeeperConnection;
import dev.imagine.api.dto.JobView;
import dev.imagine.api.errors.ApiException;
import dev.imagine.core.job.JobRecord;
import dev.imagine.core.job.JobState;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.Versioned;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/jobs/{id}/events}: the job as Server-Sent Events. Each event's data is the job view; its name says
 * what moved: {@code state} (a new state), {@code progress} (step, %, a new preview URL) and, last, {@code done}
 * (COMPLETED with the result's URLs, or REJECTED/FAILED/CANCELLED with the reason); the stream then ends. The event id
 * is the record's ZooKeeper version, so a client that reconnects with {@code Last-Event-ID} gets only what is newer
 * (a job already archived has the id {@code final}). Changes are pushed by a ZooKeeper watch, not polled; a comment
 * every 15 s keeps proxies from closing an idle stream.
 */
@Path("/v1/jobs/{id}/events")
public final class EventsResource {
    private static final Logger LOG = LoggerFactory.getLogger(EventsResource.class);
    static final long KEEPALIVE_MILLIS = 15_000;
    static final String FINAL = "final";

    private final ZooKeeperConnection zk;
    private final JobLookup jobs;
    private final ImageLinks links;
    private final ObjectMapper mapper;

    public EventsResource(ZooKeeperConnection zk, JobLookup jobs, ImageLinks links, ObjectMapper mapper) {
        this.zk = zk;
        this.jobs = jobs;
        this.links = links;
        this.mapper = mapper;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@PathParam("id") String id, @HeaderParam(HttpHeaders.LAST_EVENT_ID_HEADER) String lastEventId,
                       @Context ContainerRequestContext context, @Context SseEventSink sink, @Context Sse sse)
            throws Exception {
        String caller = Caller.of(context).name();
        if (jobs.findOwn(id, caller).isEmpty()) {
            throw new ApiException(404, "no job " + id + " of yours", "id");
        }
        long after = parseLastEventId(lastEventId);
        Thread.ofVirtual().name("sse-" + id).start(() -> stream(id, after, sink, sse));
    }

    /** {@code Last-Event-ID} as a version: none (or unreadable) means "send the current state". */
    static long parseLastEventId(String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return -2;
        }
        if (lastEventId.equals(FINAL)) {
            return Long.MAX_VALUE;
        }
        try {
            return Long.parseLong(lastEventId.trim());
        } catch (NumberFormatException e) {
            return -2;
        }
    }

    private void stream(String id, long after, SseEventSink sink, Sse sse) {
        long sent = after;
        JobState sentState = null;
        try (sink) {
            while (!sink.isClosed()) {
                Semaphore changed = new Semaphore(0);
                // the watch is set with the read, so no change between this read and the wait is missed
                Optional<Versioned<JobRecord>> job = readWatching(id, changed);
                if (job.isEmpty()) {
                    return;
                }
                JobRecord record = job.get().value();
                long version = job.get().version() < 0 ? Long.MAX_VALUE : job.get().version();
                boolean done = record.state().isTerminal();
                if (version > sent) {
                    String name = done ? "done" : record.state() != sentState ? "state" : "progress";
                    String eventId = job.get().version() < 0 ? FINAL : Long.toString(version);
                    sink.send(sse.newEventBuilder().name(name).id(eventId).mediaType(MediaType.APPLICATION_JSON_TYPE)
                            .data(mapper.writeValueAsString(JobView.of(record, null, links))).build())
                            .toCompletableFuture().get(10, TimeUnit.SECONDS);
                    sent = version;
                    sentState = record.state();
                }
                if (done) {
                    return;
                }
                if (!changed.tryAcquire(KEEPALIVE_MILLIS, TimeUnit.MILLISECONDS)) {
                    sink.send(sse.newEventBuilder().comment("keepalive").build()).toCompletableFuture()
                            .get(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the client went away (a failed send), or ZooKeeper did: the client reconnects with Last-Event-ID
            LOG.debug("Event stream of job {} ended: {}", id, e.toString());
        }
    }

    /** The record with a watch set by the same read (a change after it releases {@code changed}), or the history's. */
    private Optional<Versioned<JobRecord>> readWatching(String id, Semaphore changed) throws Exception {
        Optional<Versioned<JobRecord>> live = new JobStore(zk.client()).get(id, event -> changed.release());
        return live.isPresent() ? live : jobs.find(id);
    }
}
