package org.acme.voicewebhooks.records;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.acme.voicewebhooks.settings.InvalidSettingException;
import org.acme.voicewebhooks.settings.Settings;

/**
 * What of a record must not be kept as said: card numbers, security codes and phone numbers in the utterance are
 * masked; with a key, the session id is replaced by its HMAC-SHA256. The key never leaves this object (no toString).
 */
public final class AcousticPrivacy {

    static final String MASK = "[REDACTED]";

    /** Shortest key accepted: an HMAC key shorter than this is guessable. */
    static final int MIN_KEY_LENGTH = 16;

    /** Digits, single spaces or dashes between them: a candidate card number (Luhn decides). */
    private static final Pattern DIGIT_RUN = Pattern.compile("(?<!\\d)\\d+(?:[ -]\\d+)*(?!\\d)");
    private static final Pattern GROUP = Pattern.compile("\\d+");
    /** 3–4 digits after cvv, cvc (or cvv2, cvc2) or security code, optionally ":" or "is" between. */
    private static final Pattern SECURITY_CODE = Pattern.compile(
            "(?i)\\b(?:cvv2?|cvc2?|security code)\\b\\s*(?::|\\bis\\b)?\\s*(\\d{3,4})(?!\\d)");
    /**
     * Phone numbers: "+" and a country code then grouped digits; an area code in parentheses; 3-3-4 digit groups; or
     * a national number starting with 0 (10–11 digits). 7–15 digits in all; an ungrouped run not starting with 0 or +
     * (an order number) is not a phone number.
     */
    private static final Pattern PHONE = Pattern.compile("(?<![\\w+])(?:"
            + "\\+\\d{1,3}(?:[ .-]?\\(?\\d{1,5}\\)?){1,6}"
            + "|\\(\\d{2,5}\\)[ .-]?\\d{3,4}[ .-]?\\d{3,4}"
            + "|\\d{3}([.-]|\\s)\\d{3}\\1\\d{4}"
            + "|0\\d{2,4}[ .-]?\\d{3,4}[ .-]?\\d{3,4}"
            + ")(?![\\w])");

    private final boolean redact;
    private final ThreadLocal<Mac> hmac;

    /** {@code key} null: session ids are kept as they came. */
    AcousticPrivacy(boolean redact, String key) {
        this.redact = redact;
        this.hmac = key == null ? null : ThreadLocal.withInitial(() -> mac(key));
    }

    /** Neither masks nor pseudonymises. */
    static AcousticPrivacy off() {
        return new AcousticPrivacy(false, null);
    }

    public static AcousticPrivacy from(Settings s) {
        boolean redact = s.bool("acoustic.redact");
        String key = s.optional("acoustic.pseudonymise-key").orElse(null);
        if (key != null && key.length() < MIN_KEY_LENGTH) {
            // the message never carries the key
            s.problem("ACOUSTIC_PSEUDONYMISE_KEY (setting acoustic.pseudonymise-key) must be at least " + MIN_KEY_LENGTH
                    + " characters, or empty");
            key = null;
        }
        return new AcousticPrivacy(redact, key);
    }

    /** The session id as records carry it: its HMAC-SHA256 in hex with a key, else as it came. */
    public String sessionId(String sessionId) {
        if (hmac == null || sessionId == null) {
            return sessionId;
        }
        return HexFormat.of().formatHex(hmac.get().doFinal(sessionId.getBytes(StandardCharsets.UTF_8)));
    }

    /** The utterance as records carry it: masked when redaction is on. */
    public String utterance(String text) {
        return redact ? redact(text) : text;
    }

    /** Masks card numbers, security codes and phone numbers; text without a digit is returned as it is. */
    static String redact(String text) {
        if (text == null || !hasDigit(text)) {
            return text;
        }
        return masked(PHONE, masked(SECURITY_CODE, cards(text), true), false);
    }

    private static boolean hasDigit(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isDigit(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** Masks each stretch of digit groups that holds 13–19 digits and passes Luhn, the longest from each group on. */
    private static String cards(String text) {
        Matcher run = DIGIT_RUN.matcher(text);
        StringBuilder out = null;
        int copied = 0;
        while (run.find()) {
            int[][] groups = GROUP.matcher(run.group()).results()
                    .map(g -> new int[] {run.start() + g.start(), run.start() + g.end()}).toArray(int[][]::new);
            for (int first = 0; first < groups.length; first++) {
                int last = longestCard(text, groups, first);
                if (last >= 0) {
                    out = out == null ? new StringBuilder(text.length()) : out;
                    out.append(text, copied, groups[first][0]).append(MASK);
                    copied = groups[last][1];
                    first = last;
                }
            }
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /** The last group of the longest card number starting at group {@code first}, or -1. */
    private static int longestCard(String text, int[][] groups, int first) {
        StringBuilder digits = new StringBuilder(19);
        int found = -1;
        for (int last = first; last < groups.length; last++) {
            digits.append(text, groups[last][0], groups[last][1]);
            if (digits.length() > 19) {
                break;
            }
            if (digits.length() >= 13 && luhn(digits)) {
                found = last;
            }
        }
        return found;
    }

    static boolean luhn(CharSequence digits) {
        int sum = 0;
        for (int i = digits.length() - 1, n = 0; i >= 0; i--, n++) {
            int d = digits.charAt(i) - '0';
            if (n % 2 == 1) {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    /** Masks what the pattern finds: only its group 1 (a code after its keyword), or a whole phone number. */
    private static String masked(Pattern pattern, String text, boolean code) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = null;
        int copied = 0;
        while (m.find()) {
            if (!code && !phoneLength(m.group())) {
                continue;
            }
            int start = code ? m.start(1) : m.start();
            int end = code ? m.end(1) : m.end();
            out = out == null ? new StringBuilder(text.length()) : out;
            out.append(text, copied, start).append(MASK);
            copied = end;
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /** 7 to 15 digits, as E.164 allows. */
    private static boolean phoneLength(String match) {
        long digits = match.chars().filter(Character::isDigit).count();
        return digits >= 7 && digits <= 15;
    }

    private static Mac mac(String key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new InvalidSettingException("HmacSHA256 is not available: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public String toString() {
        return "AcousticPrivacy[redact=" + redact + ", pseudonymised=" + (hmac != null) + "]";
    }
}
