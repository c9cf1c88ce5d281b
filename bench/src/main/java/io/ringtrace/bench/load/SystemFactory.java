package io.ringtrace.bench.load;

/** Creates the {@link TracingSystem} a {@link RunSpec} names. */
final class SystemFactory {

    private SystemFactory() {
    }

    static TracingSystem create(RunSpec spec) {
        switch (spec.system()) {
            case RunSpec.SDK:
                return new SdkSystem(spec);
            case RunSpec.RINGTRACE:
            case RunSpec.RINGTRACE_SPOOL:
                return new RingtraceSystem(spec);
            default:
                throw new IllegalArgumentException("unknown system '" + spec.system() + "': expected "
                        + RunSpec.RINGTRACE + ", " + RunSpec.RINGTRACE_SPOOL + " or " + RunSpec.SDK);
        }
    }
}
