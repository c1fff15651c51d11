package dev.imagine.ops.local;

import dev.imagine.core.account.AccountStore;
import dev.imagine.core.account.Plan;
import dev.imagine.core.zk.JobStore;
import dev.imagine.core.zk.ZkClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The development user {@code dev} (Pro plan) of {@code imagine up}: made on first start, its key written to
 * a file only the owner can read. A later start reuses the file; if the file was lost, a new key replaces it.
 */
final class DevUser {
    static final String NAME = "dev";
    private static final Logger LOG = LoggerFactory.getLogger(DevUser.class);

    private DevUser() {
    }

    static String ensure(String zkAddress, Path keyFile) throws Exception {
        try (CuratorFramework zk = ZkClients.connect(zkAddress, Duration.ofSeconds(10))) {
            new JobStore(zk).ensureLayout();
            AccountStore accounts = new AccountStore(zk);
            if (accounts.get(NAME).isPresent() && Files.isReadable(keyFile)) {
                String key = Files.readString(keyFile).trim();
                if (accounts.authenticate(key).isPresent()) {
                    return key;
                }
            }
            String key = accounts.get(NAME).isPresent() ? accounts.addKey(NAME, System.currentTimeMillis())
                    : accounts.create(NAME, Plan.PRO, System.currentTimeMillis());
            write(keyFile, key);
            LOG.info("Development user {} ({} plan): API key written to {}", NAME, Plan.PRO.key(), keyFile);
            return key;
        }
    }

    private static void write(Path file, String key) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, key + System.lineSeparator());
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
