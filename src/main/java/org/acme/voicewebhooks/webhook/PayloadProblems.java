package org.acme.voicewebhooks.webhook;

import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.apache.camel.component.bean.validator.BeanValidationException;

/** Says what is wrong with a payload in one short line, naming the field but never echoing its value. */
public final class PayloadProblems {

    private PayloadProblems() {
    }

    /** Barge-in: {@code 422 {"error":"Invalid payload: <what is wrong>"}}. */
    public static FailureAnswerProcessor.Answer bargeIn(Throwable failure) {
        String problem = describe(failure);
        return problem == null ? null : new FailureAnswerProcessor.Answer(422, "Invalid payload: " + problem);
    }

    /** ASR: the reference's 400 texts, one per kind of problem. */
    public static FailureAnswerProcessor.Answer asr(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof JacksonException || t instanceof NotAnObjectException) {
                return new FailureAnswerProcessor.Answer(400, "Invalid JSON payload");
            }
            if (t instanceof MissingConfidenceException) {
                return new FailureAnswerProcessor.Answer(400, "Missing confidence or session identifiers");
            }
            if (t instanceof BeanValidationException invalid) {
                Set<Class<?>> kinds = invalid.getConstraintViolations().stream()
                        .map(v -> (Class<?>) v.getConstraintDescriptor().getAnnotation().annotationType())
                        .collect(Collectors.toSet());
                if (kinds.contains(NotNull.class) || kinds.contains(NotEmpty.class)) {
                    return new FailureAnswerProcessor.Answer(400, "Missing confidence or session identifiers");
                }
                if (kinds.contains(Pattern.class)) {
                    return new FailureAnswerProcessor.Answer(400, "Invalid session identifiers");
                }
                return new FailureAnswerProcessor.Answer(400, "Confidence must be between 0.0 and 1.0");
            }
        }
        return null;
    }

    /** The problem, or null when the failure is not about the payload. */
    static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BeanValidationException invalid) {
                return invalid.getConstraintViolations().stream()
                        .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                        .map(PayloadProblems::violation)
                        .collect(Collectors.joining("; "));
            }
            if (t instanceof JacksonException json) {
                return jackson(json);
            }
            if (t instanceof NotAnObjectException notAnObject) {
                return notAnObject.getMessage();
            }
        }
        return null;
    }

    private static String violation(ConstraintViolation<?> v) {
        return v.getPropertyPath() + " " + (v.getInvalidValue() == null ? "is required" : v.getMessage());
    }

    private static String jackson(JacksonException e) {
        if (e instanceof MismatchedInputException mismatch) {
            String field = path(mismatch);
            if (field.isEmpty()) {
                return mismatch.getMessage() != null && mismatch.getMessage().startsWith("No content")
                        ? "body is empty" : "body must be a JSON object";
            }
            return field + " must be " + expected(mismatch.getTargetType());
        }
        if (e instanceof InputCoercionException) {
            return "a number is out of range";
        }
        if (e instanceof JsonMappingException mapping && !path(mapping).isEmpty()) {
            return path(mapping) + " has an invalid value";
        }
        return "body is not valid JSON";
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "an object";
    }
}
