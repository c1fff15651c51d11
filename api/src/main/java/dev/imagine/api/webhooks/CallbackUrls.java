package dev.imagine.api.webhooks;

import dev.imagine.api.errors.BadRequestException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;

/**
 * Which callback URLs the API will POST to: http(s) only, no credentials in the URL, and (unless the operator allows
 * it) no host that resolves to a loopback, private, link-local, carrier-grade NAT, unique-local, multicast or
 * unspecified address, so that a webhook cannot be aimed at the cluster's own network. Checked at submission and again
 * before every delivery (a name may resolve elsewhere by then).
 */
public final class CallbackUrls {
    public static final int MAX_LENGTH = 2048;

    private final boolean allowPrivate;

    public CallbackUrls(boolean allowPrivate) {
        this.allowPrivate = allowPrivate;
    }

    /** @throws BadRequestException naming {@code callbackUrl} and what is wrong with it */
    public URI check(String url) {
        if (url.length() > MAX_LENGTH) {
            throw refused("is " + url.length() + " characters; the limit is " + MAX_LENGTH);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw refused("is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw refused("must start with https:// or http://");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw refused("has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw refused("must not carry credentials (user:password@); verify the Imagine-Signature header instead");
        }
        if (!allowPrivate) {
            InetAddress[] addresses;
            try {
                addresses = InetAddress.getAllByName(uri.getHost());
            } catch (UnknownHostException e) {
                throw refused("has a host that does not resolve: " + uri.getHost());
            }
            for (InetAddress address : addresses) {
                if (isPrivate(address)) {
                    throw refused("points at " + address.getHostAddress() + ", a loopback or private address; callbacks "
                            + "go to public hosts only (an operator can allow private ones in the API's config)");
                }
            }
        }
        return uri;
    }

    static boolean isPrivate(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 || (first == 100 && second >= 64 && second < 128) || first >= 240
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0);
        }
        if (address instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // unique local fc00::/7
        }
        return false;
    }

    private static BadRequestException refused(String why) {
        return new BadRequestException("callbackUrl", "callbackUrl " + why);
    }
}
