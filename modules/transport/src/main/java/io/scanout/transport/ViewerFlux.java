package io.scanout.transport;

import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;

/** What {@link StreamHub#joinTimed()} and {@link StreamHub#joinLive()} return: every subscription is a new viewer of the hub. */
final class ViewerFlux extends Flux<HubPacket> {
    private final StreamHub hub;

    private final boolean replay;

    /** With {@code replay}, a viewer starts with the hub's current GOP; without, at the next keyframe. */
    ViewerFlux(StreamHub hub, boolean replay) {
        this.hub = hub;
        this.replay = replay;
    }

    @Override
    public void subscribe(CoreSubscriber<? super HubPacket> actual) {
        HubViewer viewer = new HubViewer(hub, actual);
        actual.onSubscribe(viewer);
        hub.add(viewer, replay);
    }
}
