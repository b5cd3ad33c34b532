// histogram-blocks writes one TSDB block of native-histogram samples, as Prometheus' own TSDB writes them,
// for tests that need days of native histograms in a bucket at once (promtool's OpenMetrics backfill writes
// float samples only). `npm run setup` builds it against the pinned Prometheus module.
//
// Usage: histogram-blocks <output dir> <metric name> <start unix ms> <end unix ms> <interval ms> <block ms>
//
// The series is a counter histogram of schema 0 with six positive buckets from (1/32, 1/16] to (1, 2],
// growing at 10 observations per second split 50/25/15/7/2/1 percent over them (the synthetic fleet's
// shape), with the label series="a". It prints the ULID of the block it wrote.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"

	"github.com/prometheus/prometheus/model/histogram"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/tsdb"
)

// Per-second observations in each bucket: 10 per second, 50/25/15/7/2/1 percent.
var perSecond = []float64{5, 2.5, 1.5, 0.7, 0.2, 0.1}

// histogramAt is the counter histogram after `seconds` seconds: whole counts, deltas as the format stores them.
func histogramAt(seconds int64) *histogram.Histogram {
	counts := make([]int64, len(perSecond))
	var total uint64
	for i, rate := range perSecond {
		counts[i] = int64(rate * float64(seconds))
		total += uint64(counts[i])
	}
	deltas := make([]int64, len(counts))
	for i, c := range counts {
		if i == 0 {
			deltas[i] = c
		} else {
			deltas[i] = c - counts[i-1]
		}
	}
	return &histogram.Histogram{
		Schema:          0,
		ZeroThreshold:   0x1p-128,
		Count:           total,
		Sum:             0.08 * float64(total),
		PositiveSpans:   []histogram.Span{{Offset: -4, Length: uint32(len(counts))}},
		PositiveBuckets: deltas,
	}
}

func main() {
	if len(os.Args) != 7 {
		fmt.Fprintln(os.Stderr, "usage: histogram-blocks <output dir> <metric name> <start ms> <end ms> <interval ms> <block ms>")
		os.Exit(2)
	}
	var n [4]int64
	for i, arg := range os.Args[3:] {
		v, err := strconv.ParseInt(arg, 10, 64)
		if err != nil || v < 0 {
			fmt.Fprintf(os.Stderr, "%q is not a whole number of milliseconds\n", arg)
			os.Exit(2)
		}
		n[i] = v
	}
	start, end, interval, block := n[0], n[1], n[2], n[3]
	if interval == 0 || end <= start || block < end-start {
		fmt.Fprintln(os.Stderr, "need start < end, interval > 0 and a block at least end - start long")
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	w, err := tsdb.NewBlockWriter(logger, os.Args[1], block)
	if err != nil {
		fail(err)
	}
	defer w.Close()
	ctx := context.Background()
	series := labels.FromStrings("__name__", os.Args[2], "series", "a")
	app := w.Appender(ctx)
	for t := start; t < end; t += interval {
		if _, err := app.AppendHistogram(0, series, t, histogramAt((t-start)/1000), nil); err != nil {
			fail(err)
		}
	}
	if err := app.Commit(); err != nil {
		fail(err)
	}
	id, err := w.Flush(ctx)
	if err != nil {
		fail(err)
	}
	fmt.Println(id.String())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
