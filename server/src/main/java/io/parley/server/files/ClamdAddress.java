package io.parley.server.files;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/** Where clamd listens: {@code tcp://host:port} (its {@code TCPSocket}) or {@code unix:/path} (its {@code LocalSocket}). */
public sealed interface ClamdAddress {
    /** {@return the address to connect to, the host name resolved now} */
    SocketAddress resolve();

    /** clamd's {@code TCPSocket} on a host. */
    record Tcp(String host, int port) implements ClamdAddress {
        @Override
        public SocketAddress resolve() { return new InetSocketAddress(host, port); }

        @Override
        public String toString() { return "tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port; }
    }

    /** clamd's {@code LocalSocket}, a Unix domain socket on this machine. */
    record Unix(Path path) implements ClamdAddress {
        @Override
        public SocketAddress resolve() { return UnixDomainSocketAddress.of(path); }

        @Override
        public String toString() { return "unix:" + path; }
    }

    /**
     * {@return the address written as {@code tcp://host:port} or {@code unix:/absolute/path}}
     *
     * @throws IllegalArgumentException with a message that says what it must be ("must be …")
     */
    static ClamdAddress parse(String text) {
        if (text.startsWith("unix:")) {
            String path = text.substring("unix:".length());
            if (path.startsWith("//")) path = path.substring(2); // unix:///run/clamav/clamd.ctl
            if (!path.startsWith("/")) throw new IllegalArgumentException("must be unix: and an absolute path (got '" + text + "')");
            return new Unix(Path.of(path));
        }
        if (text.startsWith("tcp://")) {
            try {
                URI uri = new URI(text);
                boolean bare = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/");
                if (uri.getHost() == null || uri.getPort() < 1 || uri.getPort() > 65535 || !bare || uri.getRawQuery() != null
                        || uri.getRawUserInfo() != null) {
                    throw new IllegalArgumentException("must be tcp://host:port with a port of 1 to 65535 (got '" + text + "')");
                }
                String host = uri.getHost();
                if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
                return new Tcp(host, uri.getPort());
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("must be tcp://host:port (got '" + text + "')");
            }
        }
        throw new IllegalArgumentException("must be tcp://host:port or unix:/path (got '" + text + "')");
    }
}
