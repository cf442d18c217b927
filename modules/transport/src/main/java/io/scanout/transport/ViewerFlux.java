package io.scanout.transport;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/** What {@link StreamHub#joinTimed()} returns: every subscription is a new viewer of the hub. */
final class ViewerFlux extends Flux<HubPacket> {
    private final StreamHub hub;

    ViewerFlux(StreamHub hub) {
        this.hub = hub;
    }

    @Override
    public void subscribe(CoreSubscriber<? super HubPacket> actual) {
        HubViewer viewer = new HubViewer(hub, actual);
        actual.onSubscribe(viewer);
        hub.add(viewer);
    }
}
