package io.scanout.convert.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.scanout.core.Damage;
import io.scanout.core.Rect;
import org.junit.jupiter.api.Test;

class DamageMappingTest {
    private static final Rect ALL = new Rect(0, 0, 1920, 1080);

    @Test
    void wholeEmptyAndUntouchedDamageComeBackAsTheyAre() {
        Damage some = Damage.of(new Rect(10, 10, 5, 5));
        assertThat(DamageMapping.map(Damage.whole(), ALL, 960, 540, 2).isWhole()).isTrue();
        assertThat(DamageMapping.map(Damage.none(), ALL, 960, 540, 2).isEmpty()).isTrue();
        assertThat(DamageMapping.map(some, ALL, 1920, 1080, 2)).isSameAs(some);
    }

    @Test
    void aCropClipsAndMovesDamage() {
        Rect crop = new Rect(100, 50, 200, 100);
        Damage d = Damage.of(new Rect(90, 40, 20, 20), new Rect(150, 100, 10, 10), new Rect(0, 0, 50, 50),
                new Rect(290, 140, 30, 30));
        assertThat(DamageMapping.map(d, crop, 200, 100, 2).rectangles())
                .containsExactly(new Rect(0, 0, 10, 10), new Rect(50, 50, 10, 10), new Rect(190, 90, 10, 10));
    }

    @Test
    void anOddEdgeGrowsOverItsRepeatedColumnAndRow() {
        Damage d = Damage.of(new Rect(30, 0, 3, 4), new Rect(0, 10, 5, 7), new Rect(2, 2, 2, 2));
        assertThat(DamageMapping.map(d, new Rect(0, 0, 33, 17), 34, 18, 2).rectangles())
                .containsExactly(new Rect(30, 0, 4, 4), new Rect(0, 10, 5, 8), new Rect(2, 2, 2, 2));
    }

    @Test
    void scalingMapsOutwardByTheFilterReach() {
        // Halving: 100..109 with a reach of 2 reads 98..111, which lands on 49..55.5 -> 49..56.
        Damage d = Damage.of(new Rect(100, 200, 10, 10), new Rect(0, 0, 1, 1), new Rect(1919, 1079, 1, 1));
        assertThat(DamageMapping.map(d, ALL, 960, 540, 2).rectangles())
                .containsExactly(new Rect(49, 99, 7, 7), new Rect(0, 0, 2, 2), new Rect(958, 538, 2, 2));
    }
}
