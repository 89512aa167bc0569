package com.example.store;

import dev.cairn.contract.ForwardingStore;
import dev.cairn.spi.Checkpoint;
import dev.cairn.spi.CommitOutcome;
import dev.cairn.testing.InMemoryExecutionStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands for "your store" in the example of how a store's author checks it against Cairn's contracts: here the
 * in-memory store with a count of the checkpoints committed through it.
 */
public class RecordingStore extends ForwardingStore {

    private final AtomicLong checkpoints = new AtomicLong();

    public RecordingStore() {
        super(new InMemoryExecutionStore());
    }

    @Override
    public List<CommitOutcome> commit(List<Checkpoint> batch) {
        checkpoints.addAndGet(batch.size());
        return super.commit(batch);
    }

    public long checkpoints() {
        return checkpoints.get();
    }
}
