package dev.cairn.internal;

import java.security.SecureRandom;
import java.util.Base64;

/** Callback ids: 128 bits from a {@link SecureRandom}, URL-safe Base64 without padding (22 characters). */
public final class CallbackIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private CallbackIds() {
    }

    public static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
