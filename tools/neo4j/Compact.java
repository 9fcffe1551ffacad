// Compact a stopped Neo4j Community 5.26 database folder: copy what it holds now into a fresh one and
// replace the old files, so nothing a deletion left behind survives (freed store records, index pages,
// transaction logs). Neo4j itself never zeroes freed records and keeps committed transactions in its logs;
// after `psp erase` this is how an erased person's text leaves the server's files (docs/trust.md).
//
// Run in source-launch mode from tools/neo4j/ (server.py --compact does this for you):
//
//   java -Xmx1g --add-opens=... -cp 'lib/*' Compact.java HOME
//
// HOME is a Neo4j home whose data/ holds databases/ and transactions/ (what server.py --data DIR makes,
// and the layout of a default installation). The server must be stopped. The user database `neo4j` is
// copied node by node and relationship by relationship (labels, types and properties as they are, no
// Cypher built from data), then its indexes and constraints are re-created from their own create
// statements. The system database (users, passwords) is not copied: server.py sets the password again at
// each start. The old data/ is overwritten with zeros and deleted only after the copy succeeded; until
// then it is left untouched. Prints one line, `COMPACTED nodes=N relationships=M`, on success.

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.ResourceIterable;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.io.ByteUnit;

public final class Compact {
    private static final int BATCH = 10_000;

    public static void main(String[] args) {
        PrintStream out = System.out;
        System.setOut(System.err); // stdout carries only the result line
        if (args.length != 1) {
            System.err.println("usage: Compact.java HOME");
            System.exit(2);
        }
        try {
            long[] counts = compact(Path.of(args[0]).toAbsolutePath());
            out.println("COMPACTED nodes=" + counts[0] + " relationships=" + counts[1]);
            out.flush();
            System.exit(0);
        } catch (Throwable e) {
            System.err.println("psp-neo4j: compaction failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
    }

    static Map<org.neo4j.graphdb.config.Setting<?>, Object> config(boolean readOnly) {
        return Map.of(
                BoltConnector.enabled, false,
                GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(128),
                GraphDatabaseSettings.preallocate_logical_logs, false,
                GraphDatabaseSettings.preallocate_store_files, false,
                GraphDatabaseSettings.keep_logical_logs, "false",
                GraphDatabaseSettings.udc_enabled, false,
                GraphDatabaseSettings.read_only_database_default, readOnly);
    }

    static long[] compact(Path home) throws IOException {
        Path data = home.resolve("data");
        if (!Files.isDirectory(data.resolve("databases").resolve(GraphDatabaseSettings.DEFAULT_DATABASE_NAME))) {
            throw new IOException("no Neo4j database under " + data);
        }
        Path fresh = Files.createTempDirectory(home.getParent(), home.getFileName() + ".compact-");
        DatabaseManagementService oldDbms = new DatabaseManagementServiceBuilder(home).setConfig(config(true)).build();
        DatabaseManagementService newDbms = null;
        long[] counts;
        try {
            newDbms = new DatabaseManagementServiceBuilder(fresh).setConfig(config(false)).build();
            GraphDatabaseService from = oldDbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            GraphDatabaseService to = newDbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
            counts = copy(from, to);
            for (String statement : schema(from)) {
                to.executeTransactionally(statement);
            }
            to.executeTransactionally("CALL db.awaitIndexes(600)");
        } catch (RuntimeException e) {
            if (newDbms != null) {
                newDbms.shutdown();
            }
            oldDbms.shutdown();
            deleteTree(fresh, false);
            throw e;
        }
        newDbms.shutdown();
        oldDbms.shutdown();
        // Swap: the old data/ aside (zeroed, then deleted), the fresh one in its place.
        Path old = home.resolve("data.erased");
        deleteTree(old, true);
        Files.move(data, old);
        Files.move(fresh.resolve("data"), data);
        deleteTree(old, true);
        deleteTree(fresh, false); // its logs/ and anything else the fresh DBMS made
        return counts;
    }

    /** Copy every node and relationship, in transactions of BATCH entities. */
    static long[] copy(GraphDatabaseService from, GraphDatabaseService to) {
        Map<String, String> ids = new HashMap<>();
        long nodes = 0;
        long relationships = 0;
        try (Transaction read = from.beginTx()) {
            Transaction write = to.beginTx();
            int pending = 0;
            try (ResourceIterable<Node> all = read.getAllNodes()) {
                for (Node node : all) {
                    List<Label> labels = new ArrayList<>();
                    node.getLabels().forEach(labels::add);
                    Node copy = write.createNode(labels.toArray(new Label[0]));
                    node.getAllProperties().forEach(copy::setProperty);
                    ids.put(node.getElementId(), copy.getElementId());
                    nodes++;
                    if (++pending == BATCH) {
                        write.commit();
                        write.close();
                        write = to.beginTx();
                        pending = 0;
                    }
                }
            }
            try (ResourceIterable<Relationship> all = read.getAllRelationships()) {
                for (Relationship rel : all) {
                    Node start = write.getNodeByElementId(ids.get(rel.getStartNode().getElementId()));
                    Node end = write.getNodeByElementId(ids.get(rel.getEndNode().getElementId()));
                    Relationship copy = start.createRelationshipTo(end, rel.getType());
                    rel.getAllProperties().forEach(copy::setProperty);
                    relationships++;
                    if (++pending == BATCH) {
                        write.commit();
                        write.close();
                        write = to.beginTx();
                        pending = 0;
                    }
                }
            }
            write.commit();
            write.close();
        }
        return new long[] {nodes, relationships};
    }

    /** The create statements of the old database's constraints, then of its other indexes. */
    static List<String> schema(GraphDatabaseService from) {
        List<String> statements = new ArrayList<>();
        try (Transaction tx = from.beginTx()) {
            try (Result r = tx.execute("SHOW CONSTRAINTS YIELD createStatement")) {
                r.forEachRemaining(row -> statements.add((String) row.get("createStatement")));
            }
            try (Result r = tx.execute(
                    "SHOW INDEXES YIELD type, owningConstraint, createStatement "
                            + "WHERE type <> 'LOOKUP' AND owningConstraint IS NULL RETURN createStatement")) {
                r.forEachRemaining(row -> statements.add((String) row.get("createStatement")));
            }
        }
        return statements;
    }

    /** Delete a folder; with zero, overwrite each file with zeros first. */
    static void deleteTree(Path root, boolean zero) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        byte[] zeros = new byte[1 << 16];
        for (Path p : paths) {
            if (zero && Files.isRegularFile(p)) {
                try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                    long left = f.length();
                    while (left > 0) {
                        int n = (int) Math.min(zeros.length, left);
                        f.write(zeros, 0, n);
                        left -= n;
                    }
                    f.getFD().sync();
                }
            }
            Files.delete(p);
        }
    }
}
