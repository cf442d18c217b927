package io.scanout.capture.vfio;

/** A plane failed validation: the fault and a message naming the numbers. Caught by the poller, per frame. */
final class PlaneFaultException extends Exception {
    private final PlaneFault fault;

    PlaneFaultException(PlaneFault fault, String message) {
        super(message, null, false, false);
        this.fault = fault;
    }

    PlaneFault fault() {
        return fault;
    }
}
