package dev.tocsin.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * deploy/ cannot be run here (no Docker, no cluster), so it is read as the tools would read it: every Kubernetes
 * manifest through the fabric8 model (a field the model does not know fails, as kubectl's strict validation
 * would), the probes against the application's health paths and port, the grace period against the drain
 * time; the compose file as YAML, every TOCSIN_* variable in both known to the configuration, and every
 * service a replica needs declared.
 */
class DeployManifestsTest {

    private static final Pattern CONFIG_VARIABLE = Pattern.compile("\\$\\{(TOCSIN_[A-Z0-9_]+)");
    private static final Pattern KEY = Pattern.compile("(?m)^(?:%[\\w,]+\\.)?(tocsin\\.[\\w.-]+)=");

    /** Every TOCSIN_* variable the configuration reads, by ${...} or by the environment mapping of a tocsin.* key. */
    private static Set<String> knownVariables() throws Exception {
        String config = Files.readString(Path.of("src/main/resources/application.properties"));
        Set<String> known = new TreeSet<>();
        CONFIG_VARIABLE.matcher(config).results().forEach(r -> known.add(r.group(1)));
        KEY.matcher(config).results().forEach(r -> known.add(r.group(1).toUpperCase().replaceAll("[^A-Z0-9]", "_")));
        return known;
    }

    private static List<HasMetadata> manifests() throws Exception {
        List<HasMetadata> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("deploy/kubernetes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (InputStream in = Files.newInputStream(file)) {
                    Object read = Serialization.unmarshal(in);
                    if (read instanceof List<?> list) {
                        list.forEach(o -> all.add((HasMetadata) o));
                    } else {
                        all.add((HasMetadata) read);
                    }
                }
            }
        }
        return all;
    }

    /** Fields the model did not know end up in additionalProperties: find them all, with where they are. */
    private static void unknownFields(Object node, String path, List<String> found, Map<Object, Boolean> seen) throws Exception {
        if (node == null || seen.containsKey(node) || node instanceof String || node instanceof Number || node instanceof Boolean
                || node instanceof Enum<?>) {
            return;
        }
        seen.put(node, true);
        if (node instanceof Iterable<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                unknownFields(e.getValue(), path + "." + e.getKey(), found, seen);
            }
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.")) {
            return;
        }
        for (Method m : node.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = m.invoke(node);
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add(path + ": " + extra.keySet());
                }
            } else if (value instanceof KubernetesResource || value instanceof Iterable<?> || value instanceof Map<?, ?>) {
                unknownFields(value, path + "." + m.getName().substring(3), found, seen);
            }
        }
    }

    @Test
    void everyKubernetesManifestIsValidForTheModelAndMatchesTheApplication() throws Exception {
        List<HasMetadata> resources = manifests();
        List<String> unknown = new ArrayList<>();
        for (HasMetadata r : resources) {
            unknownFields(r, r.getKind() + "/" + r.getMetadata().getName(), unknown, new IdentityHashMap<>());
        }
        assertEquals(List.of(), unknown, "fields Kubernetes would refuse");
        Set<String> kinds = resources.stream().map(HasMetadata::getKind).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(new TreeSet<>(List.of("ConfigMap", "Deployment", "HorizontalPodAutoscaler", "NetworkPolicy",
                "PodDisruptionBudget", "Service")), kinds);

        Properties app = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            app.load(in);
        }
        int port = Integer.parseInt(app.getProperty("quarkus.http.port"));
        Deployment deployment = resources.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst().orElseThrow();
        assertTrue(deployment.getSpec().getReplicas() >= 2, "two replicas at least");
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(port, container.getPorts().get(0).getContainerPort(), "the container port is the application's");
        String portName = container.getPorts().get(0).getName();
        for (Object[] probe : new Object[][]{{container.getStartupProbe(), "/q/health/started"},
                {container.getReadinessProbe(), "/q/health/ready"}, {container.getLivenessProbe(), "/q/health/live"}}) {
            Probe p = (Probe) probe[0];
            assertEquals(probe[1], p.getHttpGet().getPath());
            assertTrue(portName.equals(p.getHttpGet().getPort().getStrVal())
                    || Integer.valueOf(port).equals(p.getHttpGet().getPort().getIntVal()), "probe port " + p.getHttpGet().getPort());
        }
        // SIGTERM gives the drain its time: preStop, then the drain timeout, inside the grace period
        Map<String, String> config = resources.stream().filter(r -> r.getKind().equals("ConfigMap"))
                .map(r -> ((io.fabric8.kubernetes.api.model.ConfigMap) r).getData()).findFirst().orElseThrow();
        Duration drain = Duration.parse(config.getOrDefault("TOCSIN_DELIVERY_DRAIN_TIMEOUT",
                app.getProperty("tocsin.delivery.drain-timeout").replaceAll(".*:(.*)}", "$1")));
        long preStop = container.getLifecycle().getPreStop().getSleep().getSeconds();
        long grace = deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
        assertTrue(grace > preStop + drain.toSeconds(), "grace " + grace + " s <= preStop " + preStop + " s + drain " + drain);
        Set<String> unknownVariables = new TreeSet<>(config.keySet());
        unknownVariables.removeAll(knownVariables());
        assertEquals(Set.of(), unknownVariables, "variables the configuration does not read");
        assertEquals("tocsin-config", container.getEnvFrom().get(0).getConfigMapRef().getName());
        assertFalse(container.getEnvFrom().stream().noneMatch(e -> e.getSecretRef() != null), "secrets come from a Secret");
    }

    @Test
    void theComposeFileDeclaresWhatEachReplicaNeedsWithKnownVariables() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(Path.of("deploy/compose.yaml").toFile());
        JsonNode services = compose.get("services");
        Set<String> names = new TreeSet<>();
        services.fieldNames().forEachRemaining(names::add);
        List<String> replicas = names.stream().filter(n -> n.startsWith("tocsin")).toList();
        assertTrue(replicas.size() >= 2, "two replicas: " + names);
        assertEquals(3, names.stream().filter(n -> n.startsWith("rabbit")).count(), "a three-node RabbitMQ cluster");
        assertTrue(names.containsAll(List.of("postgres", "mailpit")), names.toString());
        Set<String> known = knownVariables();
        for (String replica : replicas) {
            JsonNode tocsin = services.get(replica);
            assertEquals("src/main/docker/Dockerfile.jvm", tocsin.at("/build/dockerfile").asText());
            assertTrue(Files.exists(Path.of("deploy").resolve(tocsin.at("/build/context").asText())
                    .resolve(tocsin.at("/build/dockerfile").asText())), "the Dockerfile it builds from exists");
            Set<String> variables = new TreeSet<>();
            tocsin.get("environment").fieldNames().forEachRemaining(variables::add);
            Set<String> unknown = new TreeSet<>(variables);
            unknown.removeAll(known);
            assertEquals(Set.of(), unknown, replica + ": variables the configuration does not read");
            for (String needed : List.of("TOCSIN_DB_URL", "TOCSIN_RABBITMQ_HOST", "TOCSIN_SMTP_HOST")) {
                assertTrue(variables.contains(needed), replica + " sets " + needed);
            }
            Set<String> dependsOn = new TreeSet<>();
            tocsin.get("depends_on").fieldNames().forEachRemaining(dependsOn::add);
            assertTrue(names.containsAll(dependsOn), "depends on declared services: " + dependsOn);
            assertTrue(dependsOn.containsAll(List.of("postgres", "rabbit-1", "mailpit")), dependsOn.toString());
            String host = tocsin.at("/environment/TOCSIN_RABBITMQ_HOST").asText();
            String db = tocsin.at("/environment/TOCSIN_DB_URL").asText();
            String smtp = tocsin.at("/environment/TOCSIN_SMTP_HOST").asText();
            assertTrue(names.contains(host) && names.contains(smtp) && db.contains("//postgres:"), host + " " + smtp + " " + db);
            assertTrue(Duration.parse("PT" + tocsin.get("stop_grace_period").asText().toUpperCase()).toSeconds()
                    > Duration.parse(tocsin.at("/environment/TOCSIN_DELIVERY_DRAIN_TIMEOUT").asText()).toSeconds(),
                    "docker stops a replica no sooner than its drain takes");
        }
    }
}
