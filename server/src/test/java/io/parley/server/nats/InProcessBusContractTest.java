package io.parley.server.nats;

import io.parley.core.bus.Bus;
import io.parley.core.bus.InProcessBus;

import java.util.List;

/** The bus contract on one node's in-process bus (a pod of one). */
class InProcessBusContractTest extends BusContract {
    @Override
    protected List<Bus> pod() {
        return List.of(new InProcessBus());
    }
}
