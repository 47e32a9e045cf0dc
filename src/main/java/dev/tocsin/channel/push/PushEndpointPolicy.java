package dev.tocsin.channel.push;

import dev.tocsin.common.PublicAddresses;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.net.IDN;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where push notices may go. A push endpoint is a URL that a browser, and so anyone, chose; Tocsin must not
 * be steered by one into the company's network. An endpoint is accepted only as an https URL without
 * credentials, on the default port, whose host is a DNS name on the allow-list of push services and
 * resolves only to public unicast addresses. The same check runs when the subscription is registered and
 * again when a notice is sent (DNS can change in between); at sending, the addresses checked are the ones
 * connected to.
 */
@ApplicationScoped
public class PushEndpointPolicy {

    /** Why an endpoint is refused; the message says what to fix and never what the network answered. */
    public static final class Refused extends UnknownHostException {
        public Refused(String message) {
            super(message);
        }
    }

    private static final Pattern HOST_NAME = Pattern.compile(
            "^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$");

    private final List<String> allowedHosts;
    private final boolean allowHttp;
    /** Hosts allowed although not public (the tests' local push-service stand-in); empty in production. */
    private final List<String> privateHostsAllowed;

    @Inject
    public PushEndpointPolicy(PushConfig config) {
        this(config.allowedHosts(), config.allowHttpEndpoints(), config.privateHostsAllowed().orElse(List.of()));
    }

    PushEndpointPolicy(List<String> allowedHosts, boolean allowHttp, List<String> privateHostsAllowed) {
        this.allowedHosts = allowedHosts;
        this.allowHttp = allowHttp;
        this.privateHostsAllowed = privateHostsAllowed;
    }

    /** Checks the URL itself (no DNS): returns its host, or throws Refused saying what is wrong. */
    public String checkUrl(String endpoint) throws Refused {
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new Refused("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean httpAllowed = allowHttp && scheme.equals("http");
        if (!scheme.equals("https") && !httpAllowed) {
            throw new Refused("must be an https URL of a browser push service");
        }
        if (uri.getRawUserInfo() != null || (uri.getRawAuthority() != null && uri.getRawAuthority().contains("@"))) {
            throw new Refused("must not carry a user name or password");
        }
        String host = uri.getHost();
        if (host == null) {
            throw new Refused("has no host a push service could be reached at");
        }
        host = host.toLowerCase(Locale.ROOT);
        if (privateAllowed(host)) {
            return host;
        }
        if (uri.getPort() != -1 && uri.getPort() != 443) {
            throw new Refused("must use the standard https port, as push services do");
        }
        String ascii;
        try {
            ascii = IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new Refused("has a host that is not a valid DNS name");
        }
        // A DNS name, not an address in any spelling (127.1, 2130706433, 0x7f.1, [::1]): push services have names
        if (!HOST_NAME.matcher(ascii).matches()) {
            throw new Refused(ascii.indexOf('.') < 0 && !ascii.startsWith("[")
                    ? "must name a push service by its full DNS name (a single-label host such as 'localhost' is local)"
                    : "must name a push service by its DNS name, not by an address");
        }
        if (!onAllowList(ascii)) {
            throw new Refused("is not at a known browser push service (allowed hosts: " + String.join(", ", allowedHosts)
                    + "; an operator can extend tocsin.push.allowed-hosts)");
        }
        return ascii;
    }

    /** Resolves a host and returns its addresses if every one of them is public (the caller connects to these). */
    public InetAddress[] resolve(String host) throws Refused {
        String name = host.toLowerCase(Locale.ROOT);
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(name);
        } catch (UnknownHostException e) {
            throw new Refused("has a host that cannot be found in DNS");
        }
        if (privateAllowed(name)) {
            return addresses;
        }
        if (!HOST_NAME.matcher(name).matches() || !onAllowList(name)) {
            throw new Refused("is not at an allowed push service");
        }
        for (InetAddress address : addresses) {
            if (PublicAddresses.whyNot(address) != null) {
                throw new Refused("does not lead to a public internet address; Tocsin sends push notices to public push"
                        + " services only");
            }
        }
        return addresses;
    }

    /** Both checks: what registration runs. */
    public void check(String endpoint) throws Refused {
        resolve(checkUrl(endpoint));
    }

    private boolean privateAllowed(String host) {
        return privateHostsAllowed.stream().anyMatch(h -> h.equalsIgnoreCase(host));
    }

    private boolean onAllowList(String host) {
        for (String allowed : allowedHosts) {
            String a = allowed.strip().toLowerCase(Locale.ROOT);
            if (a.equals("*") || a.equals(host) || (a.startsWith("*.") && host.endsWith(a.substring(1)))) {
                return true;
            }
        }
        return false;
    }
}
