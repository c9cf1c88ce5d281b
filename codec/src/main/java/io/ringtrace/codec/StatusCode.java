package io.ringtrace.codec;

/** OTLP status codes as the {@code int} values of {@code Status.StatusCode} on the wire. */
public final class StatusCode {
    /** Unset (0), the default: omitted on the wire. */
    public static final int UNSET = 0;
    /** The operation was validated as successful (1). */
    public static final int OK = 1;
    /** The operation failed (2). */
    public static final int ERROR = 2;

    private StatusCode() {}

    /**
     * @param code a value
     * @return whether {@code code} is one of the constants above
     */
    public static boolean isValid(int code) {
        return code >= UNSET && code <= ERROR;
    }
}
