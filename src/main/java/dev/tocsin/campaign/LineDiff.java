package dev.tocsin.campaign;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff an approver reads: unchanged lines as "  ", removed as "- ", added as "+ ". Longest common
 * subsequence over lines, bounded: past {@link #MAX_CELLS} comparisons (two very long templates) it says the
 * text changed and how much, rather than spend unbounded time and memory.
 */
final class LineDiff {

    static final long MAX_CELLS = 1_000_000;

    /** Lines kept around each change, so a reader sees where it is. */
    static final int CONTEXT = 2;

    static final int MAX_OUTPUT_LINES = 400;

    private LineDiff() {
    }

    static List<String> of(String before, String after) {
        String[] a = lines(before);
        String[] b = lines(after);
        if ((long) a.length * b.length > MAX_CELLS) {
            return List.of("(too long to compare line by line: " + a.length + " lines before, " + b.length + " now)");
        }
        int[][] common = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<String> all = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                all.add("  " + a[i++]);
                j++;
            } else if (i < a.length && (j == b.length || common[i + 1][j] >= common[i][j + 1])) {
                all.add("- " + a[i++]); // removals before additions, as diff prints them
            } else {
                all.add("+ " + b[j++]);
            }
        }
        return aroundChanges(all);
    }

    /** Only the changed lines and a little context; "…" where unchanged lines are left out. */
    private static List<String> aroundChanges(List<String> all) {
        boolean[] keep = new boolean[all.size()];
        for (int k = 0; k < all.size(); k++) {
            if (!all.get(k).startsWith("  ")) {
                for (int c = Math.max(0, k - CONTEXT); c <= Math.min(all.size() - 1, k + CONTEXT); c++) {
                    keep[c] = true;
                }
            }
        }
        List<String> shown = new ArrayList<>();
        boolean skipped = false;
        for (int k = 0; k < all.size(); k++) {
            if (keep[k]) {
                if (skipped && !shown.isEmpty()) {
                    shown.add("…");
                }
                skipped = false;
                shown.add(all.get(k));
                if (shown.size() >= MAX_OUTPUT_LINES) {
                    shown.add("… (" + (all.size() - k - 1) + " more lines not shown)");
                    break;
                }
            } else {
                skipped = true;
            }
        }
        return shown;
    }

    private static String[] lines(String text) {
        return text == null || text.isEmpty() ? new String[0] : text.split("\r\n|\r|\n", -1);
    }
}
