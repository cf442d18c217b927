package io.scanout.convert.internal;

/**
 * Which word of a row a {@link TileHash} folds into which int of its state. The row is cut into
 * chunks of {@code chain} registers of {@code lanes} words; lane {@code j} of every register of a
 * chunk folds, one after the other, into the chunk's state int {@code j}, so a chunk needs
 * {@code lanes} ints where a register each needed {@code chain} times that. Words past the last
 * whole chunk (the row's tail) fold into an int each. With {@code chain} 1 word {@code i} folds into
 * int {@code i}.
 *
 * <p>Why chains: the state is loaded and stored once per chunk, not once per register. With one
 * register per state the loop spent more on that traffic than on the frame's own bytes, and read a
 * 4K frame at half the rate of a plain read.
 *
 * @param lanes words in a register of the hash
 * @param chain registers folded into one state register, 1 to 4
 */
record FoldShape(int lanes, int chain) {
    static final int LONGEST_CHAIN = 4;

    FoldShape {
        if (lanes < 1 || chain < 1 || chain > LONGEST_CHAIN) {
            throw new IllegalArgumentException("lanes " + lanes + ", chain " + chain);
        }
    }

    /**
     * The longest chain, 4, 2 or 1, whose chunks never straddle two tiles of {@code tileWords} words
     * (chunks and tiles both start at the row's first word).
     */
    static FoldShape forTiles(int lanes, int tileWords) {
        int chain = LONGEST_CHAIN;
        while (chain > 1 && tileWords % (chain * lanes) != 0) {
            chain /= 2;
        }
        return new FoldShape(lanes, chain);
    }

    int chunkWords() {
        return lanes * chain;
    }

    /** Whole chunks in a row of {@code rowBytes} bytes: the words past them are its tail. */
    int wholeChunks(long rowBytes) {
        return Math.toIntExact(rowBytes / Integer.BYTES / chunkWords());
    }

    /** The ints of state a row of {@code rowBytes} bytes needs (a partial last word is one more). */
    int stateInts(long rowBytes) {
        return stateIndex(Math.toIntExact((rowBytes + Integer.BYTES - 1) / Integer.BYTES), rowBytes);
    }

    /**
     * Where word {@code word} of a row of {@code rowBytes} bytes folds; for a word at a chunk's
     * start, also where the state of the words before it ends. So the words of a tile,
     * {@code [from, to)} with both at chunk starts or the row's end, fold into the ints
     * {@code [stateIndex(from), stateIndex(to))}.
     */
    int stateIndex(int word, long rowBytes) {
        int chunks = wholeChunks(rowBytes);
        int tailStart = chunks * chunkWords();
        if (word >= tailStart) {
            return chunks * lanes + word - tailStart;
        }
        return word / chunkWords() * lanes + word % lanes;
    }
}
