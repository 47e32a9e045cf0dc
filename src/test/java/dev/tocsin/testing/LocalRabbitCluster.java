package dev.tocsin.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A RabbitMQ cluster of separate local nodes for one test: its own node names, ports, data folder and Erlang
 * cookie (a HOME of its own), so the machine's own RabbitMQ is neither seen nor touched. Uses the machine's
 * RabbitMQ installation (/usr/lib/rabbitmq/bin).
 */
public final class LocalRabbitCluster implements AutoCloseable {

    private static final Path BIN = Path.of("/usr/lib/rabbitmq/bin");

    /** One node: its name, AMQP port and the process that runs it. */
    public record Node(String name, int amqpPort, Process process) {
    }

    private final Path home;
    private final List<Node> nodes = new ArrayList<>();

    private LocalRabbitCluster(Path home) {
        this.home = home;
    }

    public static boolean installed() {
        return Files.isExecutable(BIN.resolve("rabbitmq-server")) && Files.isExecutable(BIN.resolve("rabbitmqctl"));
    }

    /** Starts {@code size} nodes and joins the others to the first; returns when all run as one cluster. */
    public static LocalRabbitCluster start(int size) throws IOException, InterruptedException {
        String run = UUID.randomUUID().toString().substring(0, 6);
        Path home = Files.createTempDirectory("tocsin-rabbit-" + run);
        LocalRabbitCluster cluster = new LocalRabbitCluster(home);
        try {
            Path cookie = home.resolve(".erlang.cookie");
            Files.writeString(cookie, "TOCSINTEST" + run.toUpperCase());
            Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
            for (int i = 1; i <= size; i++) {
                cluster.nodes.add(cluster.startNode("tocsin-it" + i + "-" + run + "@localhost", home.resolve("n" + i)));
            }
            for (Node node : cluster.nodes) {
                cluster.awaitStarted(node);
            }
            Node first = cluster.nodes.get(0);
            for (Node node : cluster.nodes.subList(1, size)) {
                cluster.ctl(node, 30, "stop_app");
                cluster.ctl(node, 30, "join_cluster", first.name());
                cluster.ctl(node, 30, "start_app");
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private Node startNode(String name, Path dir) throws IOException {
        Files.createDirectories(dir);
        int amqp = freePort();
        int dist = freePort();
        Files.writeString(dir.resolve("rabbitmq.conf"), "listeners.tcp.local = 127.0.0.1:" + amqp + "\nloopback_users = none\n");
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
        Files.writeString(dir.resolve("rabbitmq-env.conf"), "");
        ProcessBuilder pb = new ProcessBuilder(BIN.resolve("rabbitmq-server").toString());
        Map<String, String> env = pb.environment();
        env.put("HOME", home.toString());
        env.put("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString());
        env.put("RABBITMQ_NODENAME", name);
        env.put("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1");
        env.put("RABBITMQ_NODE_PORT", Integer.toString(amqp));
        env.put("RABBITMQ_DIST_PORT", Integer.toString(dist));
        env.put("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString());
        env.put("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString());
        env.put("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString());
        env.put("RABBITMQ_LOG_BASE", dir.resolve("log").toString());
        env.put("RABBITMQ_PID_FILE", dir.resolve("pid").toString());
        env.put("ERL_EPMD_ADDRESS", "127.0.0.1");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        return new Node(name, amqp, pb.start());
    }

    /** await_startup answers "unavailable" until the node listens for rabbitmqctl at all: ask until it waits. */
    private void awaitStarted(Node node) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            try {
                ctl(node, 60, "await_startup");
                return;
            } catch (IllegalStateException notYet) {
                if (System.nanoTime() > deadline || !node.process().isAlive()) {
                    throw notYet;
                }
                Thread.sleep(500); // the Erlang node is still starting
            }
        }
    }

    /** rabbitmqctl against one node, with this cluster's cookie; fails if it does not succeed in time. */
    private void ctl(Node node, int seconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BIN.resolve("rabbitmqctl").toString(), "-n", node.name()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("ERL_EPMD_ADDRESS", "127.0.0.1");
        Path out = home.resolve("ctl.log");
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " on " + node.name()
                    + " did not finish in " + seconds + " s; see " + out);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("rabbitmqctl " + String.join(" ", args) + " on " + node.name()
                    + " failed (exit " + p.exitValue() + "); see " + out);
        }
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    /** The client's list of nodes: host:port,host:port,... */
    public String addresses() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.amqpPort()).collect(Collectors.joining(","));
    }

    /** A node's loss: its processes are killed (SIGKILL), nothing is shut down in order. */
    public void kill(Node node) {
        Stream.concat(node.process().descendants(), Stream.of(node.process().toHandle()))
                .forEach(ProcessHandle::destroyForcibly);
    }

    @Override
    public void close() {
        nodes.forEach(this::kill);
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder: the system cleans it later
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
