package dev.tocsin.common;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Whether an address is on the public internet. Tocsin connects to addresses that people outside the company
 * chose (a browser's push endpoint today, webhooks later); none of them may lead it to the company's own
 * network, the machine itself or a cloud metadata service.
 */
public final class PublicAddresses {

    private PublicAddresses() {
    }

    /** Null if the address is public unicast; else what it is (for logs and tests, not for callers). */
    public static String whyNot(InetAddress address) {
        if (address instanceof Inet4Address v4) {
            return whyNotV4(v4.getAddress());
        }
        byte[] b = address.getAddress();
        if (address.isAnyLocalAddress()) {
            return "unspecified";
        }
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isMulticastAddress() || (b[0] & 0xff) == 0xff) {
            return "multicast";
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
            return "link-local";
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
            return "site-local";
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return "unique-local"; // fc00::/7, e.g. AWS's metadata fd00:ec2::254
        }
        boolean firstTenZero = true;
        for (int i = 0; i < 10; i++) {
            firstTenZero &= b[i] == 0;
        }
        if (firstTenZero && ((b[10] == 0 && b[11] == 0) || ((b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff))) {
            return "IPv4-compatible or IPv4-mapped"; // ::a.b.c.d and ::ffff:a.b.c.d reach IPv4 hosts
        }
        int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        if (w0 == 0x0064 && w1 == 0xff9b) {
            return "NAT64"; // 64:ff9b::/96 and 64:ff9b:1::/48 translate to IPv4
        }
        if (w0 == 0x2002) {
            return "6to4"; // embeds an IPv4 address
        }
        if (w0 == 0x2001 && w1 == 0x0000) {
            return "Teredo";
        }
        if (w0 == 0x2001 && w1 == 0x0db8) {
            return "documentation";
        }
        if (w0 == 0x0100 && w1 == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0 && b[7] == 0) {
            return "discard-only";
        }
        if ((w0 & 0xe000) != 0x2000) {
            return "not global unicast"; // only 2000::/3 is allocated for the internet
        }
        return null;
    }

    private static String whyNotV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        if (a0 == 0) {
            return "this network (0.0.0.0/8)";
        }
        if (a0 == 127) {
            return "loopback";
        }
        if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
            return "private";
        }
        if (a0 == 169 && a1 == 254) {
            return "link-local"; // includes the cloud metadata address 169.254.169.254
        }
        if (a0 == 100 && (a1 & 0xc0) == 64) {
            return "shared address space (100.64.0.0/10)"; // carrier NAT; Alibaba's metadata 100.100.100.200
        }
        if (a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2)) {
            return "special-purpose (192.0.0.0/24, 192.0.2.0/24)";
        }
        if (a0 == 198 && (a1 & 0xfe) == 18) {
            return "benchmarking (198.18.0.0/15)";
        }
        if ((a0 == 198 && a1 == 51 && a2 == 100) || (a0 == 203 && a1 == 0 && a2 == 113)) {
            return "documentation";
        }
        if (a0 == 192 && a1 == 88 && a2 == 99) {
            return "6to4 relay";
        }
        if (a0 >= 224) {
            return a0 < 240 ? "multicast" : "reserved or broadcast";
        }
        return null;
    }
}
