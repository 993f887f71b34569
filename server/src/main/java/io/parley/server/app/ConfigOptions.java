package io.parley.server.app;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The configuration options every command that opens the store shares. */
final class ConfigOptions {
    @Option(names = {"-c", "--config"}, description = "TOML configuration file.")
    Path config;

    @Option(names = "--store", description = "Store: sqlite (default, embedded) or postgres.")
    String store;

    @Option(names = "--jdbc-url", description = "JDBC URL for PostgreSQL, e.g. jdbc:postgresql://127.0.0.1:5432/parley")
    String jdbcUrl;

    @Option(names = "--data-dir", description = "Directory for the embedded database and local state (default ./data).")
    Path dataDir;

    @Option(names = "--host", description = "Interface to bind (default 127.0.0.1).")
    String host;

    @Option(names = {"-p", "--port"}, description = "Port for HTTP and WebSocket (default 8080).")
    Integer port;

    @Option(names = "--pod-id", description = "This pod's id (default local).")
    String podId;

    @Option(names = "--bus", description = "Bus between nodes: inprocess (default, one node) or nats (a scaled-out pod).")
    String bus;

    @Option(names = "--nats-url", description = "NATS server for --bus nats, e.g. nats://127.0.0.1:4222")
    String natsUrl;

    @Option(names = "--tls-certificate", description = "PEM certificate (chain) to serve HTTPS with; needs --tls-private-key.")
    Path tlsCertificate;

    @Option(names = "--tls-private-key", description = "PEM private key of --tls-certificate.")
    Path tlsPrivateKey;

    /** {@return the configuration, or null after printing every problem to stderr} */
    ParleyConfig loadOrReport() {
        try {
            return load();
        } catch (ConfigLoader.InvalidConfig e) {
            System.err.println(e.getMessage());
            return null;
        }
    }

    /** {@return the loaded, validated configuration} */
    ParleyConfig load() throws ConfigLoader.InvalidConfig {
        Map<String, String> o = new HashMap<>();
        if (store != null) o.put("store.kind", store);
        if (jdbcUrl != null) o.put("store.url", jdbcUrl);
        if (dataDir != null) o.put("store.data_dir", dataDir.toString());
        if (host != null) o.put("server.host", host);
        if (port != null) o.put("server.port", port.toString());
        if (podId != null) o.put("pod.id", podId);
        if (bus != null) o.put("bus.kind", bus);
        if (natsUrl != null) o.put("bus.url", natsUrl);
        if (tlsCertificate != null) o.put("server.tls.certificate", tlsCertificate.toString());
        if (tlsPrivateKey != null) o.put("server.tls.private_key", tlsPrivateKey.toString());
        return ConfigLoader.load(config, o, System.getenv());
    }
}
