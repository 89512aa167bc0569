package dev.cairn.test;

import dev.cairn.OperationStatus;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.OperationRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an engine of a {@link TestEngine} dies: at a checkpoint of an operation with a given name, which the
 * engine's {@link WatchedStore} refuses (with every later write). See {@link TestEngine#crashBefore},
 * {@link TestEngine#crashAt} and {@link TestEngine#crashAfter} for what each point means.
 */
final class CrashPlan {

    /** When the engine dies, relative to the checkpoints of the named operation. */
    enum Point {
        /** At the first checkpoint of the operation: nothing of it is recorded. */
        BEFORE("before"),
        /** At the first checkpoint that records an outcome of it (not STARTED): it is left under way. */
        AT("at"),
        /** At the first write after the checkpoint that ended it. */
        AFTER("after");

        final String word;

        Point(String word) {
            this.word = word;
        }
    }

    final String operationName;
    final Point point;
    /** Set once the operation's end was committed, for {@link Point#AFTER}. */
    private volatile boolean ended;

    CrashPlan(String operationName, Point point) {
        this.operationName = operationName;
        this.point = point;
    }

    /** How the kit names this point: {@code crashAt("charge")}. */
    String describe() {
        return "crash" + Character.toUpperCase(point.word.charAt(0)) + point.word.substring(1) + "(\"" + operationName
                + "\")";
    }

    /** Where the engine dies if it is at {@code checkpoint}, or {@code null} if it lives on. */
    String reachedBy(Checkpoint checkpoint) {
        if (point == Point.AFTER) {
            return ended ? "after operation '" + operationName + "' ended (" + describe() + ")" : null;
        }
        for (OperationRecord op : named(checkpoint)) {
            if (point == Point.BEFORE) {
                return "before operation '" + operationName + "' (" + op.operationId() + ") was checkpointed ("
                        + describe() + ")";
            }
            if (op.status() != OperationStatus.STARTED) {
                return "while operation '" + operationName + "' (" + op.operationId() + ") was under way, before "
                        + "its " + op.status() + " checkpoint (attempt " + op.attempt() + ") was written ("
                        + describe() + ")";
            }
        }
        return null;
    }

    /** Notes a checkpoint the store has acknowledged. */
    void committed(Checkpoint checkpoint) {
        for (OperationRecord op : named(checkpoint)) {
            if (op.status().isTerminal()) {
                ended = true;
            }
        }
    }

    private List<OperationRecord> named(Checkpoint checkpoint) {
        List<OperationRecord> ops = new ArrayList<>();
        for (OperationRecord op : checkpoint.operationInserts()) {
            if (operationName.equals(op.name())) {
                ops.add(op);
            }
        }
        for (OperationRecord op : checkpoint.operationUpdates()) {
            if (operationName.equals(op.name())) {
                ops.add(op);
            }
        }
        return ops;
    }
}
