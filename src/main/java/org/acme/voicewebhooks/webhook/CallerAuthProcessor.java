package org.acme.voicewebhooks.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.acme.voicewebhooks.settings.InvalidSettingException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Who may call a webhook: anyone ({@code none}), the voice gateway signing with jambonz's scheme
 * ({@code Jambonz-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>}, several secrets
 * for rotation, a tolerance either way), or HTTP Basic auth. Checked on the raw bytes, before any parsing.
 */
public final class CallerAuthProcessor implements Processor {

    public enum Mode { NONE, JAMBONZ_SIGNATURE, BASIC }

    private final Mode mode;
    private final List<byte[]> secrets;
    private final long toleranceSeconds;
    private final byte[] basicCredentials;
    private final Clock clock;

    public CallerAuthProcessor(Mode mode, List<String> secrets, long toleranceSeconds, String basicUserPassword, Clock clock) {
        this.mode = mode;
        this.secrets = secrets.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.toleranceSeconds = toleranceSeconds;
        this.basicCredentials = basicUserPassword == null ? null
                : ("Basic " + Base64.getEncoder().encodeToString(basicUserPassword.getBytes(StandardCharsets.UTF_8)))
                        .getBytes(StandardCharsets.UTF_8);
        this.clock = clock;
    }

    /** Reads a webhook's caller-auth settings, e.g. prefix "bargein" for bargein.caller-auth. */
    public static CallerAuthProcessor from(org.acme.voicewebhooks.settings.Settings s, String prefix, Clock clock) {
        String key = prefix + ".caller-auth";
        Mode mode = s.check(() -> {
            try {
                return Mode.valueOf(s.text(key).toUpperCase().replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(key + " must be none, jambonz-signature or basic, was '" + s.text(key) + "'");
            }
        }, Mode.NONE);
        List<String> secrets = new ArrayList<>();
        for (String secret : s.optional(prefix + ".signing-secrets").orElse("").split(",")) {
            if (!secret.isBlank()) {
                secrets.add(secret.strip());
            }
        }
        String basic = s.optional(prefix + ".basic-auth").orElse(null);
        if (mode == Mode.JAMBONZ_SIGNATURE && secrets.isEmpty()) {
            s.problem(key + " is jambonz-signature but " + prefix + ".signing-secrets is empty");
        }
        if (mode == Mode.BASIC && (basic == null || !basic.contains(":"))) {
            s.problem(key + " is basic but " + prefix + ".basic-auth is not user:password");
            basic = "invalid:invalid";
        }
        return new CallerAuthProcessor(mode, secrets, s.number("webhook.signature-tolerance-seconds", 1, 86_400), basic, clock);
    }

    @Override
    public void process(Exchange exchange) {
        switch (mode) {
            case NONE -> { }
            case BASIC -> {
                String presented = exchange.getMessage().getHeader("Authorization", String.class);
                if (presented == null || !MessageDigest.isEqual(basicCredentials, presented.getBytes(StandardCharsets.UTF_8))) {
                    throw unauthorized();
                }
            }
            case JAMBONZ_SIGNATURE -> {
                byte[] body = exchange.getMessage().getBody(byte[].class);
                exchange.getMessage().setBody(body);
                if (!signed(exchange.getMessage().getHeader("Jambonz-Signature", String.class), body == null ? new byte[0] : body)) {
                    throw unauthorized();
                }
            }
        }
    }

    /** Whether the header carries a timestamp within the tolerance and a v1 signature one of the secrets made. */
    boolean signed(String header, byte[] body) {
        if (header == null) {
            return false;
        }
        long timestamp = -1;
        List<String> signatures = new ArrayList<>();
        for (String item : header.split(",")) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = item.substring(0, eq).strip();
            String value = item.substring(eq + 1).strip();
            if (key.equals("t")) {
                try {
                    timestamp = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    return false;
                }
            } else if (key.equals("v1")) {
                signatures.add(value);
            }
        }
        if (timestamp < 0 || signatures.isEmpty()
                || Math.abs(clock.instant().getEpochSecond() - timestamp) > toleranceSeconds) {
            return false;
        }
        for (byte[] secret : secrets) {
            byte[] expected = sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
            for (String signature : signatures) {
                if (MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The hex HMAC-SHA256 of "t.body", as jambonz signs a webhook. */
    public static String sign(byte[] secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static WebhookException unauthorized() {
        return new WebhookException(401, "Unauthorized");
    }
}
