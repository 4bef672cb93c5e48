package io.embedmerge.webhooks;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range such as 10.0.0.0/8 or fc00::/7. */
record Cidr(byte[] network, int prefix) {

    static Cidr parse(String text) {
        int slash = text.indexOf('/');
        try {
            // only literals reach getByName here (checked below), so it never does a DNS lookup
            String address = slash < 0 ? text.strip() : text.substring(0, slash).strip();
            if (!address.matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("not an address range: " + text);
            }
            byte[] bytes = InetAddress.getByName(address).getAddress();
            int bits = slash < 0
                    ? bytes.length * 8
                    : Integer.parseInt(text.substring(slash + 1).strip());
            if (bits < 0 || bits > bytes.length * 8) {
                throw new IllegalArgumentException("bad prefix length: " + text);
            }
            return new Cidr(bytes, bits);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("not an address range: " + text, e);
        }
    }

    boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
