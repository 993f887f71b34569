package io.parley.server.nats;

import io.parley.core.auth.FailureLedger;
import io.parley.core.auth.MemoryFailureLedger;

import java.util.List;

/** The failure ledger contract on one node's memory (a pod of one: both "nodes" are the same ledger). */
class MemoryFailureLedgerContractTest extends FailureLedgerContract {
    @Override
    protected List<FailureLedger> pod() {
        MemoryFailureLedger one = new MemoryFailureLedger();
        return List.of(one, one);
    }
}
