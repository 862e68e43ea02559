package org.acme.voicewebhooks.records;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a record keeps of an utterance and a session id. */
class AcousticPrivacyTest {

    private static String redact(String text) {
        return new AcousticPrivacy(true, null).utterance(text);
    }

    @Test
    void luhnValidCardNumbersAreMaskedWithOrWithoutSeparators() {
        assertThat(redact("my card is 4111111111111111 thanks")).isEqualTo("my card is [REDACTED] thanks");
        assertThat(redact("4111 1111 1111 1111")).isEqualTo("[REDACTED]");
        assertThat(redact("card 5500-0000-0000-0004 please")).isEqualTo("card [REDACTED] please");
        assertThat(redact("amex 3782 822463 10005.")).isEqualTo("amex [REDACTED].");
        assertThat(redact("it is 4111 1111 1111 1111 123")).isEqualTo("it is [REDACTED] 123");
        assertThat(redact("visa4111111111111111")).isEqualTo("visa[REDACTED]");
        assertThat(redact("room 12 4111 1111 1111 1111")).isEqualTo("room 12 [REDACTED]");
    }

    @Test
    void luhnInvalidDigitRunsStay() {
        assertThat(redact("card 4111 1111 1111 1112")).isEqualTo("card 4111 1111 1111 1112");
        assertThat(redact("order 123456789012345 arrived")).isEqualTo("order 123456789012345 arrived");
        assertThat(redact("reference 9876-5432-1098-76")).isEqualTo("reference 9876-5432-1098-76");
    }

    @Test
    void securityCodesAfterTheirKeywordAreMasked() {
        assertThat(redact("cvv 123")).isEqualTo("cvv [REDACTED]");
        assertThat(redact("the CVC: 4567")).isEqualTo("the CVC: [REDACTED]");
        assertThat(redact("Security code is 987, expiry next year")).isEqualTo("Security code is [REDACTED], expiry next year");
        assertThat(redact("my cvv is 042")).isEqualTo("my cvv is [REDACTED]");
        assertThat(redact("cvv2 123 and CVC2:456")).isEqualTo("cvv2 [REDACTED] and CVC2:[REDACTED]");
        assertThat(redact("cvv 12345")).as("not a 3–4 digit code").isEqualTo("cvv 12345");
    }

    @Test
    void phoneNumbersAreMasked() {
        assertThat(redact("call me on +44 20 7946 0958 tomorrow")).isEqualTo("call me on [REDACTED] tomorrow");
        assertThat(redact("(555) 123-4567")).isEqualTo("[REDACTED]");
        assertThat(redact("it's 555-123-4567.")).isEqualTo("it's [REDACTED].");
        assertThat(redact("mobile 07946 095800")).isEqualTo("mobile [REDACTED]");
        assertThat(redact("020 7946 0958")).isEqualTo("[REDACTED]");
        assertThat(redact("+447946095800")).isEqualTo("[REDACTED]");
    }

    @Test
    void everydayNumbersStay() {
        for (String text : new String[] {"room 12", "I want to pay my bill", "pay 1200 pounds on 2026-11-22",
                "order 48213907", "flight BA 2490 at 14:30", "three 3-digit codes: 123 456", "version 1.2.3",
                "a 4 digit pin"}) {
            assertThat(redact(text)).as(text).isEqualTo(text);
        }
        assertThat(redact(null)).isNull();
    }

    @Test
    void redactionOffKeepsTheUtterance() {
        assertThat(new AcousticPrivacy(false, null).utterance("cvv 123 and 4111111111111111"))
                .isEqualTo("cvv 123 and 4111111111111111");
    }

    @Test
    void pseudonymisedSessionIdsAreStablePerKeyAndDifferAcrossKeys() {
        AcousticPrivacy one = new AcousticPrivacy(true, "first-key-0123456789");
        AcousticPrivacy same = new AcousticPrivacy(true, "first-key-0123456789");
        AcousticPrivacy other = new AcousticPrivacy(true, "second-key-0123456789");

        String id = one.sessionId("sess_41c2");
        assertThat(id).matches("[0-9a-f]{64}").isEqualTo(one.sessionId("sess_41c2")).isEqualTo(same.sessionId("sess_41c2"))
                .isNotEqualTo(other.sessionId("sess_41c2")).isNotEqualTo(one.sessionId("sess_41c3"));
        assertThat(new AcousticPrivacy(true, null).sessionId("sess_41c2")).isEqualTo("sess_41c2");
        assertThat(one.toString()).doesNotContain("first-key");
    }
}
