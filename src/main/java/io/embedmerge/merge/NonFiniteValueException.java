package io.embedmerge.merge;

/** A merge input or output holds NaN or ±Inf; the message names the model (for inputs), tensor and element. */
public class NonFiniteValueException extends RuntimeException {

    public enum Where {
        INPUT("NON_FINITE_INPUT"),
        OUTPUT("NON_FINITE_OUTPUT");

        private final String code;

        Where(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Where where;

    public NonFiniteValueException(Where where, String message) {
        super(message);
        this.where = where;
    }

    public Where where() {
        return where;
    }

    /** The job error code: NON_FINITE_INPUT or NON_FINITE_OUTPUT. */
    public String code() {
        return where.code();
    }
}
