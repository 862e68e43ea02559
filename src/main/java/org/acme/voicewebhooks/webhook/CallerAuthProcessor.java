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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may call a webhook: anyone ({@code none}), the voice gateway signing with jambonz's scheme
 * ({@code Jambonz-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>}, several secrets
 * for rotation, a tolerance either way), or HTTP Basic auth. Checked on the raw bytes, before any parsing.
 */
public final class CallerAuthProcessor implements Processor {

    public enum Mode { NONE, JAMBONZ_SIGNATURE, BASIC }

    private static final Logger LOG = LoggerFactory.getLogger("caller-auth");

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
        String refusal = switch (mode) {
            case NONE -> null;
            case BASIC -> basicRefusal(exchange.getMessage().getHeader("Authorization", String.class));
            case JAMBONZ_SIGNATURE -> {
                byte[] body = exchange.getMessage().getBody(byte[].class);
                exchange.getMessage().setBody(body);
                yield signatureRefusal(exchange.getMessage().getHeader("Jambonz-Signature", String.class),
                        body == null ? new byte[0] : body);
            }
        };
        if (refusal != null) {
            throw refused(exchange, refusal);
        }
    }

    /** Why Basic credentials are refused, or null when they are the configured ones. */
    private String basicRefusal(String presented) {
        if (presented == null) {
            return "no Authorization header";
        }
        if (!presented.regionMatches(true, 0, "Basic ", 0, 6)) {
            return "Authorization header is not Basic";
        }
        if (!MessageDigest.isEqual(basicCredentials, presented.getBytes(StandardCharsets.UTF_8))) {
            return "wrong Basic user or password";
        }
        return null;
    }

    /** Why the header does not prove the body was signed recently with one of the secrets, or null when it does. */
    private String signatureRefusal(String header, byte[] body) {
        if (header == null) {
            return "no Jambonz-Signature header";
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
                    return "malformed Jambonz-Signature header (t is not a number)";
                }
            } else if (key.equals("v1") && !value.isEmpty()) {
                signatures.add(value);
            }
        }
        if (timestamp < 0 || signatures.isEmpty()) {
            return "malformed Jambonz-Signature header (needs t=<unix seconds>,v1=<signature>)";
        }
        long skew = clock.instant().getEpochSecond() - timestamp;
        if (Math.abs(skew) > toleranceSeconds) {
            return "stale Jambonz-Signature timestamp (" + (skew > 0 ? skew + " s old" : -skew + " s ahead")
                    + ", tolerance " + toleranceSeconds + " s)";
        }
        for (byte[] secret : secrets) {
            byte[] expected = sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
            for (String signature : signatures) {
                if (MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
                    return null;
                }
            }
        }
        return "wrong signature (no signing secret makes it for this body)";
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

    /** 401 for the caller; the reason only in the log, never a secret, signature or credential. */
    static WebhookException refused(Exchange exchange, String reason) {
        LOG.warn("{} caller refused: {}, correlationId={}", exchange.getFromRouteId(), reason, exchange.getExchangeId());
        return new WebhookException(401, "Unauthorized");
    }
}
