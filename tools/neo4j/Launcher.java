// A real Neo4j Community server for psp-graph's tests and for people, without Docker.
//
// Run in source-launch mode (no compile step), from tools/neo4j/ after `mvn dependency:copy-dependencies`:
//
//   java -Xmx1g --add-opens=java.base/java.lang=ALL-UNNAMED ... -cp 'lib/*' Launcher.java [--data DIR] [--port N]
//
// With `--plugins DIR` (the jars of gds/pom.xml, also on the classpath) Neo4j loads their procedures
// and lets `gds.*` use the kernel unrestricted.
//
// It starts an embedded DBMS with Bolt on 127.0.0.1, runs `RETURN 1`, then prints exactly one line,
// `READY bolt://127.0.0.1:PORT`, to stdout. Everything else (Neo4j's user log, errors) goes to stderr;
// Neo4j's debug.log is written under DIR/logs. It shuts down on SIGTERM and when stdin reaches EOF, so it
// dies with the process that spawned it. Auth is on, with the `neo4j` user's password taken from
// PSP_NEO4J_LAUNCH_PASSWORD, only when that variable is set; the password is never printed.
//
// server.py beside this file is the Python front end (flags, jar download, lifecycle).

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

public final class Launcher {
    private static final String HOST = "127.0.0.1";
    private static final String PASSWORD_ENV = "PSP_NEO4J_LAUNCH_PASSWORD";

    private static DatabaseManagementService dbms;
    private static Path tempHome; // deleted on exit; null when --data was given
    private static boolean stopped;

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            // A failed start may leave Neo4j's non-daemon threads behind: exit explicitly.
            System.err.println("psp-neo4j: failed to start");
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws IOException {
        // Keep the real stdout for the READY line only; anything a library prints to System.out
        // (log4j console appenders, Netty warnings) ends up on stderr instead.
        PrintStream readyOut = System.out;
        System.setOut(System.err);

        Path home = null;
        int port = 0; // 0: the OS picks a free port; we read back the bound one from Neo4j
        Path plugins = null; // a folder of plugin jars (Graph Data Science), also on the classpath
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> home = Path.of(args[++i]).toAbsolutePath();
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--plugins" -> plugins = Path.of(args[++i]).toAbsolutePath();
                default -> {
                    System.err.println("usage: Launcher.java [--data DIR] [--port N] [--plugins DIR]");
                    System.exit(2);
                }
            }
        }
        if (home == null) {
            tempHome = Files.createTempDirectory("psp-neo4j-");
            home = tempHome;
        } else {
            Files.createDirectories(home);
        }

        String password = System.getenv(PASSWORD_ENV);
        boolean auth = password != null && !password.isEmpty();

        Runtime.getRuntime().addShutdownHook(new Thread(Launcher::shutdown, "psp-neo4j-shutdown"));
        watchStdin();

        Map<org.neo4j.graphdb.config.Setting<?>, Object> config = new HashMap<>(Map.ofEntries(
                Map.entry(BoltConnector.enabled, true),
                Map.entry(BoltConnector.listen_address, new SocketAddress(HOST, port)),
                Map.entry(BoltConnector.advertised_address, new SocketAddress(HOST, port)),
                Map.entry(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED),
                // Anything else that listens (e.g. the server-side routing connector) stays on loopback.
                Map.entry(GraphDatabaseSettings.default_listen_address, new SocketAddress(HOST)),
                Map.entry(GraphDatabaseSettings.routing_enabled, false),
                Map.entry(GraphDatabaseSettings.auth_enabled, auth),
                // Tests use short throwaway passwords; the server default minimum is 8.
                Map.entry(GraphDatabaseSettings.auth_minimum_password_length, 1),
                // Otherwise Neo4j sizes the page cache from total RAM.
                Map.entry(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(128)),
                Map.entry(GraphDatabaseSettings.preallocate_logical_logs, false),
                Map.entry(GraphDatabaseSettings.preallocate_store_files, false),
                Map.entry(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(8)),
                Map.entry(GraphDatabaseSettings.keep_logical_logs, "false"),
                Map.entry(GraphDatabaseSettings.udc_enabled, false),
                Map.entry(GraphDatabaseSettings.filewatcher_enabled, false),
                Map.entry(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5)),
                // Internal settings: Netty's default 5 s quiet period, once per Bolt connector, made every
                // stop take ~10 s. The in-JVM "bolt-local" connector is not needed here.
                Map.entry(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0),
                Map.entry(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(5)),
                Map.entry(BoltConnectorInternalSettings.enable_local_connector, false)));
        if (plugins != null) {
            // Procedures are found in the plugins folder's jars (extensions on the classpath, where
            // server.py puts the same jars); GDS needs unrestricted access to the kernel.
            config.put(GraphDatabaseSettings.plugin_dir, plugins);
            config.put(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*"));
        }

        synchronized (Launcher.class) {
            if (stopped) {
                return; // stdin closed or SIGTERM while we were parsing arguments
            }
            dbms = new DatabaseManagementServiceBuilder(home)
                    .setConfig(config)
                    .setUserLogProvider(new Log4jLogProvider(System.err, Level.INFO))
                    .build();
        }

        if (auth) {
            // Embedded transactions run with full rights, so this works with auth on. The password is a
            // parameter, so it never appears in a query string or the query log.
            // On a restart over kept data (--data DIR) the password may already be this one, which Neo4j
            // refuses to "change"; that is not an error. Any other refusal still stops the start.
            try {
                dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
            } catch (RuntimeException e) {
                String message = String.valueOf(e.getMessage());
                if (!message.contains("cannot be the same")) {
                    throw e;
                }
            }
        }

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        long one = db.executeTransactionally("RETURN 1 AS one", Map.of(),
                r -> (Long) r.next().get("one"));
        if (one != 1L) {
            throw new IllegalStateException("RETURN 1 returned " + one);
        }

        HostnamePort bound = ((GraphDatabaseAPI) db).getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT);
        if (bound == null) {
            throw new IllegalStateException("Bolt connector did not register a local address");
        }
        readyOut.println("READY bolt://" + HOST + ":" + bound.getPort());
        readyOut.flush();
        // run returns; Neo4j's non-daemon threads keep the JVM alive until shutdown.
    }

    /** Exit when stdin reaches EOF: the parent died or closed the pipe. */
    private static void watchStdin() {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[256];
            try (InputStream in = System.in) {
                while (in.read(buf) >= 0) {
                    // ignore input; we only wait for EOF
                }
            } catch (IOException ignored) {
                // treat a broken stdin like EOF
            }
            System.exit(0); // runs the shutdown hook
        }, "psp-neo4j-stdin-watch");
        t.setDaemon(true);
        t.start();
    }

    private static synchronized void shutdown() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            if (dbms != null) {
                dbms.shutdown();
            }
        } catch (Throwable e) {
            System.err.println("psp-neo4j: error during shutdown: " + e);
        }
        if (tempHome != null) {
            deleteTree(tempHome);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("psp-neo4j: could not delete " + root + ": " + e);
        }
    }
}
