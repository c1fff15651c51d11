package dev.imagine.slurm.v0038;

import dev.imagine.slurm.SlurmClient;
import dev.imagine.slurm.SlurmEndpoint;
import dev.imagine.slurm.SlurmException;
import dev.imagine.slurm.SlurmJob;
import dev.imagine.slurm.SlurmJobRequest;
import dev.imagine.slurm.SlurmJobState;
import dev.imagine.slurm.SlurmNode;
import dev.imagine.slurm.SlurmPartition;
import dev.imagine.slurm.v0038.api.SlurmApi;
import dev.imagine.slurm.v0038.client.ApiClient;
import dev.imagine.slurm.v0038.client.ApiException;
import dev.imagine.slurm.v0038.model.V0038JobProperties;
import dev.imagine.slurm.v0038.model.V0038JobResponseProperties;
import dev.imagine.slurm.v0038.model.V0038JobSubmission;
import dev.imagine.slurm.v0038.model.V0038JobSubmissionResponse;
import dev.imagine.slurm.v0038.model.V0038JobsResponse;
import dev.imagine.slurm.v0038.model.V0038Node;
import dev.imagine.slurm.v0038.model.V0038Partition;
import dev.imagine.slurm.v0038.model.V0038Ping;
import dev.imagine.slurm.v0038.model.V0038Pings;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SlurmClient} over slurmrestd's {@code openapi/v0.0.38} plugin (Slurm 21.08–23.02), through the
 * client generated from {@code src/main/openapi/slurmrestd-v0.0.38.json}. Two transport settings are
 * not optional: HTTP/1.1 (the JDK client's h2c upgrade breaks slurmrestd's reply) and
 * {@code Accept: application/json} alone (offered YAML, it sometimes answers YAML).
 */
public final class SlurmRestV0038 implements SlurmClient {
    private static final Logger LOG = LoggerFactory.getLogger(SlurmRestV0038.class);

    private final SlurmEndpoint endpoint;
    private final SlurmApi api;
    private final V0038Errors errors;

    public SlurmRestV0038(SlurmEndpoint endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.errors = new V0038Errors(endpoint);
        URI uri = URI.create(endpoint.url());
        ApiClient client = new ApiClient()
                .setHttpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout))
                .setScheme(uri.getScheme())
                .setHost(uri.getHost())
                .setPort(uri.getPort())
                .setBasePath(uri.getPath())
                .setReadTimeout(timeout)
                .setRequestInterceptor(request -> {
                    request.setHeader("Accept", "application/json");
                    if (endpoint.hasToken()) {
                        request.setHeader("X-SLURM-USER-NAME", endpoint.user());
                        request.setHeader("X-SLURM-USER-TOKEN", endpoint.token());
                    }
                });
        this.api = new SlurmApi(client);
    }

    @Override
    public String ping() {
        V0038Pings pings = call("ping", api::slurmV0038Ping);
        errors.throwIfAny("ping", pings.getErrors());
        List<V0038Ping> controllers = pings.getPings() == null ? List.of() : pings.getPings();
        if (controllers.stream().noneMatch(p -> p.getPing() == V0038Ping.PingEnum.UP)) {
            throw new SlurmException("slurmrestd at " + endpoint.url() + " answers but no slurmctld is UP; "
                    + "check `scontrol ping` on the Slurm controller");
        }
        return pings.getMeta() == null || pings.getMeta().getSlurm() == null ? "unknown"
                : pings.getMeta().getSlurm().getRelease();
    }

    @Override
    public long submit(SlurmJobRequest request) {
        V0038JobProperties job = new V0038JobProperties()
                .name(request.name())
                .partition(request.partition())
                .environment(new TreeMap<>(request.environment()))
                .currentWorkingDirectory(request.workDir().toString())
                .standardOutput(request.workDir().resolve("slurm-%j.out").toString())
                .cpusPerTask((long) request.cpus())
                .memoryPerNode(request.memoryMb())
                .comment(request.comment())
                .requeue(false);
        if (request.gres() != null) {
            job.gres(request.gres());
        }
        V0038JobSubmissionResponse response = call("submit job " + request.name(),
                () -> api.slurmV0038SubmitJob(new V0038JobSubmission().script(request.script()).job(job)));
        errors.throwIfAny("submit job " + request.name(), response.getErrors());
        if (response.getJobId() == null) {
            throw new SlurmException("slurmrestd at " + endpoint.url() + " accepted job " + request.name()
                    + " but returned no job id");
        }
        LOG.info("Submitted Slurm job {} ({}) to partition {}", response.getJobId(), request.name(), request.partition());
        return response.getJobId();
    }

    @Override
    public Optional<SlurmJob> job(long jobId) {
        try {
            V0038JobsResponse response = call("get job " + jobId, () -> api.slurmV0038GetJob(Long.toString(jobId)));
            errors.throwIfAny("get job " + jobId, response.getErrors());
            return response.getJobs() == null ? Optional.empty()
                    : response.getJobs().stream().filter(j -> j.getJobId() == jobId).findFirst().map(SlurmRestV0038::job);
        } catch (SlurmException.JobNotFound unknown) {
            return Optional.empty();
        }
    }

    @Override
    public List<SlurmJob> jobs() {
        V0038JobsResponse response = call("list jobs", () -> api.slurmV0038GetJobs(null));
        errors.throwIfAny("list jobs", response.getErrors());
        return response.getJobs() == null ? List.of() : response.getJobs().stream().map(SlurmRestV0038::job).toList();
    }

    @Override
    public void cancel(long jobId) {
        try {
            api.slurmV0038CancelJob(Long.toString(jobId), null);
            LOG.info("Cancelled Slurm job {}", jobId);
        } catch (ApiException e) {
            if (!errors.isAlreadyDone(e)) {
                throw errors.translate("cancel job " + jobId, e);
            }
            LOG.debug("Slurm job {} had already ended", jobId);
        }
    }

    @Override
    public List<SlurmNode> nodes() {
        var response = call("list nodes", () -> api.slurmV0038GetNodes(null));
        errors.throwIfAny("list nodes", response.getErrors());
        return response.getNodes() == null ? List.of() : response.getNodes().stream().map(SlurmRestV0038::node).toList();
    }

    @Override
    public List<SlurmPartition> partitions() {
        var response = call("list partitions", () -> api.slurmV0038GetPartitions(null));
        errors.throwIfAny("list partitions", response.getErrors());
        return response.getPartitions() == null ? List.of()
                : response.getPartitions().stream().map(SlurmRestV0038::partition).toList();
    }

    @Override
    public String endpoint() {
        return endpoint.url();
    }

    private <T> T call(String what, Call<T> call) {
        try {
            return call.run();
        } catch (ApiException e) {
            throw errors.translate(what, e);
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws ApiException;
    }

    private static SlurmJob job(V0038JobResponseProperties job) {
        return new SlurmJob(job.getJobId(), job.getName(), job.getPartition(), SlurmJobState.parse(job.getJobState()),
                job.getStateReason(), job.getNodes() == null ? "" : job.getNodes(),
                orZero(job.getStartTime()), orZero(job.getEndTime()));
    }

    private static SlurmNode node(V0038Node node) {
        return new SlurmNode(node.getName(), node.getState(),
                node.getStateFlags() == null ? Set.of() : Set.copyOf(node.getStateFlags()),
                node.getReason(), node.getGres(), node.getGresUsed(), orZero(node.getCpus()), orZero(node.getAllocCpus()));
    }

    private static SlurmPartition partition(V0038Partition partition) {
        return new SlurmPartition(partition.getName(), partition.getState(), partition.getNodes(),
                orZero(partition.getTotalNodes()), orZero(partition.getTotalCpus()));
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
