package ropagraph.neo4jserver;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import java.time.Duration;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * A real Neo4j Community server, in-process, for ropagraph's tests.
 *
 * <p>Bolt on 127.0.0.1 on a free port (port 0: the kernel picks it, so no race with other
 * servers), authentication on (user neo4j), HTTP off. When ready it writes the ready file
 * (mode 600, written atomically): {@code NEO4J_URI=bolt://127.0.0.1:PORT}, {@code NEO4J_USER},
 * {@code NEO4J_PASSWORD}, one per line. On SIGTERM it shuts the database down, removes the ready
 * file and, unless the home was given with --keep, removes the home.
 *
 * <p>Usage: {@code TestServer --ready FILE [--home DIR] [--keep]}. The password is
 * NEO4J_PASSWORD from the environment, else 32 random hex characters; it is never printed.
 */
public final class TestServer {
  private TestServer() {}

  public static void main(String[] args) throws Exception {
    Path ready = null;
    Path home = null;
    boolean keep = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--ready" -> ready = Path.of(args[++i]);
        case "--home" -> home = Path.of(args[++i]);
        case "--keep" -> keep = true;
        default -> fail("unknown argument: " + args[i]);
      }
    }
    if (ready == null) {
      fail("usage: TestServer --ready FILE [--home DIR] [--keep]");
    }
    boolean removeHome = !keep;
    if (home == null) {
      home = Files.createTempDirectory("ropagraph-neo4j-");
    }
    String password = System.getenv("NEO4J_PASSWORD");
    if (password == null || password.isEmpty()) {
      byte[] bytes = new byte[16];
      new SecureRandom().nextBytes(bytes);
      password = HexFormat.of().formatHex(bytes);
    }
    if (password.length() < 8) {
      fail("NEO4J_PASSWORD must have at least 8 characters (Neo4j's minimum)");
    }
    if (password.indexOf('\n') >= 0 || password.indexOf('\r') >= 0) {
      fail("NEO4J_PASSWORD must be one line");
    }

    long started = System.nanoTime();
    DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(home)
            .setConfig(GraphDatabaseSettings.auth_enabled, true)
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", 0))
            .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
            .setConfig(HttpConnector.enabled, false)
            .setConfig(HttpsConnector.enabled, false)
            .setConfig(GraphDatabaseSettings.pagecache_memory, 64L * 1024 * 1024)
            .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
            .setConfig(GraphDatabaseSettings.udc_enabled, false)
            // A test server: stop in a second or two, not after Netty's 15 s grace period.
            .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
            .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
            .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
            .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
            .build();

    Path readyFile = ready;
    Path homeDir = home;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    Files.deleteIfExists(readyFile);
                  } catch (IOException ignored) {
                    // best effort
                  }
                  dbms.shutdown();
                  if (removeHome) {
                    deleteTree(homeDir);
                  }
                  System.err.println("neo4j test server: stopped");
                  stopped.countDown();
                },
                "neo4j-test-server-stop"));

    // Set the password of the built-in user through the system database (embedded calls are not
    // subject to authentication), without the "change on first login" flag.
    GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
    system.executeTransactionally(
        "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
        java.util.Map.of("password", password));
    // Wait for the default database, then read the port the kernel gave Bolt.
    GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
    db.executeTransactionally("RETURN 1");
    HostnamePort bolt =
        ((GraphDatabaseAPI) db)
            .getDependencyResolver()
            .resolveDependency(ConnectorPortRegister.class)
            .getLocalAddress(ConnectorType.BOLT);
    if (bolt == null) {
      fail("the Bolt connector did not start");
    }

    String text =
        "NEO4J_URI=bolt://127.0.0.1:"
            + bolt.getPort()
            + "\nNEO4J_USER=neo4j\nNEO4J_PASSWORD="
            + password
            + "\n";
    Path parent = ready.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp =
        Files.createTempFile(
            parent, ".neo4j-ready-", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    System.err.printf(
        "neo4j test server: Neo4j %s ready at bolt://127.0.0.1:%d in %.1f s (home %s)%n",
        org.neo4j.kernel.internal.Version.getNeo4jVersion(),
        bolt.getPort(),
        (System.nanoTime() - started) / 1e9,
        home);
    stopped.await();
  }

  private static void fail(String message) {
    System.err.println("neo4j test server: " + message);
    System.exit(2);
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }
}
