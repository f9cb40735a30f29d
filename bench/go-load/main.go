// barge-go-load: the compare harness's second load generator, written against etcd's own Go client
// (go.etcd.io/etcd/clientv3, the library kube-apiserver uses), so that a figure does not depend on the
// cost of a Node client. It runs the workloads of the Node generator (bench/load) with the same flags,
// keys and values, and prints one JSON report: throughput, latency percentiles and its own CPU time.
//
// Built in GOPATH mode against Debian's golang-etcd-server-dev (no module downloads):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o <dir>/barge-go-load ./bench/go-load
//
// With -handshake it prints "ready" once connected and warmed up, and starts its timed phase when a line
// arrives on stdin: the harness samples the servers' CPU between the two.
package main

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"go.etcd.io/etcd/clientv3"
)

type options struct {
	endpoints      []string
	workload       string
	clients        int
	conns          int
	total          int
	keySize        int
	valSize        int
	keySpaceSize   int
	sequentialKeys bool
	consistency    string
	key            string
	streams        int
	watchPerStream int
	watchedKeys    int
	putTotal       int
	warmUp         int
	timeout        time.Duration
	handshake      bool
}

type latency struct {
	Count  int     `json:"count"`
	MinMs  float64 `json:"minMs"`
	MeanMs float64 `json:"meanMs"`
	P50Ms  float64 `json:"p50Ms"`
	P90Ms  float64 `json:"p90Ms"`
	P99Ms  float64 `json:"p99Ms"`
	P999Ms float64 `json:"p999Ms"`
	MaxMs  float64 `json:"maxMs"`
}

type report struct {
	Workload         string         `json:"workload"`
	Generator        string         `json:"generator"`
	Count            int            `json:"count"`
	Expected         int            `json:"expected"`
	Errors           int            `json:"errors"`
	ErrorMessages    map[string]int `json:"errorMessages"`
	ElapsedSec       float64        `json:"elapsedSec"`
	Throughput       float64        `json:"throughput"`
	Latency          latency        `json:"latency"`
	ClientCPUUs      float64        `json:"clientCpuUs"`
	ClientCPUUsPerOp float64        `json:"clientCpuUsPerOp"`
}

// tally collects latencies and errors from every goroutine.
type tally struct {
	mu        sync.Mutex
	latencies []time.Duration
	errors    map[string]int
}

func (t *tally) ok(d time.Duration) {
	t.mu.Lock()
	t.latencies = append(t.latencies, d)
	t.mu.Unlock()
}

func (t *tally) fail(err error) {
	t.mu.Lock()
	t.errors[err.Error()]++
	t.mu.Unlock()
}

func summarize(ds []time.Duration) latency {
	if len(ds) == 0 {
		return latency{}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	// The smallest latency at or above which the fraction q of all requests lies, as HDR histograms report.
	at := func(q float64) float64 {
		i := int(math.Ceil(q*float64(len(ds)))) - 1
		if i < 0 {
			i = 0
		}
		return ms(ds[i])
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return latency{len(ds), ms(ds[0]), ms(sum) / float64(len(ds)), at(0.5), at(0.9), at(0.99), at(0.999), ms(ds[len(ds)-1])}
}

// cpuUs is the user + system CPU time this process has used, in microseconds.
func cpuUs() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e3
}

// varintKey is etcd benchmark's key: binary.PutVarint of n in a zeroed buffer of keySize bytes.
func varintKey(n, keySize int) string {
	k := make([]byte, keySize)
	buf := make([]byte, binary.MaxVarintLen64)
	copy(k, buf[:binary.PutVarint(buf, int64(n))])
	return string(k)
}

func (o *options) keyOf(i int) string {
	if o.sequentialKeys {
		return varintKey(i%o.keySpaceSize, o.keySize)
	}
	return varintKey(rand.Intn(o.keySpaceSize), o.keySize)
}

// dial opens n clients, the j-th to endpoint j mod len(endpoints), as etcd's benchmark tool and the Node
// generator do; it exits when one cannot be opened.
func dial(o *options, n int) []*clientv3.Client {
	out := make([]*clientv3.Client, 0, n)
	for j := 0; j < n; j++ {
		c, err := clientv3.New(clientv3.Config{Endpoints: []string{o.endpoints[j%len(o.endpoints)]}, DialTimeout: o.timeout})
		if err != nil {
			fmt.Fprintln(os.Stderr, "dial:", err)
			os.Exit(1)
		}
		out = append(out, c)
	}
	return out
}

func closeAll(conns []*clientv3.Client) {
	for _, c := range conns {
		c.Close()
	}
}

// indices feeds 0 … n-1 to the goroutines that share the work, each taking the next one when it is free.
func indices(n, buffer int) <-chan int {
	next := make(chan int, buffer)
	go func() {
		for i := 0; i < n; i++ {
			next <- i
		}
		close(next)
	}()
	return next
}

// warmUp sends untimed serializable reads of a key no workload writes over every connection, so that
// connections are set up (and the servers' code paths warm) before the timed phase, as the Node generator does.
func warmUp(o *options, conns []*clientv3.Client) {
	var wg sync.WaitGroup
	per := (o.warmUp + len(conns) - 1) / len(conns)
	for _, c := range conns {
		wg.Add(1)
		go func(c *clientv3.Client) {
			defer wg.Done()
			for i := 0; i < per; i++ {
				ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
				_, _ = c.Get(ctx, "\x00bench-warm-up", clientv3.WithSerializable())
				cancel()
			}
		}(c)
	}
	wg.Wait()
}

// timedPhase waits for the harness's go-ahead (with -handshake) and returns the CPU reading at the start.
func timedPhase(o *options) {
	if !o.handshake {
		return
	}
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		fmt.Fprintln(os.Stderr, "no go-ahead on stdin:", err)
		os.Exit(1)
	}
}

func runRequests(o *options) (*tally, int, time.Duration, float64) {
	conns := dial(o, o.conns)
	defer closeAll(conns)
	value := make([]byte, o.valSize)
	rand.Read(value)
	val := string(value)
	var op func(c *clientv3.Client, ctx context.Context, i int) error
	switch o.workload {
	case "put":
		op = func(c *clientv3.Client, ctx context.Context, i int) error {
			_, err := c.Put(ctx, o.keyOf(i), val)
			return err
		}
	case "range":
		var extra []clientv3.OpOption
		if o.consistency == "s" {
			extra = append(extra, clientv3.WithSerializable())
		}
		op = func(c *clientv3.Client, ctx context.Context, i int) error {
			_, err := c.Get(ctx, o.key, extra...)
			return err
		}
	case "txn-put":
		op = func(c *clientv3.Client, ctx context.Context, i int) error {
			_, err := c.Txn(ctx).Then(clientv3.OpPut(o.keyOf(i), val)).Commit()
			return err
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown workload:", o.workload)
		os.Exit(2)
	}
	warmUp(o, conns)
	t := &tally{errors: map[string]int{}}
	timedPhase(o)
	cpu0 := cpuUs()
	start := time.Now()
	next := indices(o.total, o.clients)
	var wg sync.WaitGroup
	for client := 0; client < o.clients; client++ {
		wg.Add(1)
		go func(c *clientv3.Client) {
			defer wg.Done()
			for i := range next {
				ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
				began := time.Now()
				err := op(c, ctx, i)
				cancel()
				if err != nil {
					t.fail(err)
				} else {
					t.ok(time.Since(began))
				}
			}
		}(conns[client%len(conns)])
	}
	wg.Wait()
	return t, o.total, time.Since(start), cpuUs() - cpu0
}

// runWatch: o.streams watch streams (one client each) with o.watchPerStream watchers, over o.watchedKeys
// keys; then o.putTotal puts to those keys from o.clients goroutines. An event's latency runs from its
// put being sent (stamped in the value) to its arrival.
func runWatch(o *options) (*tally, int, time.Duration, float64) {
	conns := dial(o, o.streams+1)
	defer closeAll(conns)
	base := time.Now()
	t := &tally{errors: map[string]int{}}
	watchers := o.streams * o.watchPerStream
	expected := 0
	eventsFor := func(k int) int {
		if k >= o.putTotal {
			return 0
		}
		return (o.putTotal-1-k)/o.watchedKeys + 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var received sync.WaitGroup
	var lastMu sync.Mutex
	last := time.Now()
	for w := 0; w < watchers; w++ {
		k := w % o.watchedKeys
		n := eventsFor(k)
		expected += n
		received.Add(n)
		ch := conns[w/o.watchPerStream].Watch(ctx, varintKey(k, o.keySize), clientv3.WithCreatedNotify())
		if resp := <-ch; !resp.Created {
			fmt.Fprintln(os.Stderr, "watch not created:", resp.Err())
			os.Exit(1)
		}
		go func(ch clientv3.WatchChan, n int) {
			for resp := range ch {
				now := time.Since(base)
				for _, ev := range resp.Events {
					if len(ev.Kv.Value) >= 20 {
						stamp, _ := strconv.ParseInt(strings.TrimLeft(string(ev.Kv.Value[:20]), "0"), 10, 64)
						t.ok(now - time.Duration(stamp))
					}
					lastMu.Lock()
					last = time.Now()
					lastMu.Unlock()
					if n > 0 {
						n--
						received.Done()
					}
				}
			}
		}(ch, n)
	}
	putter := conns[o.streams]
	warmUp(o, conns)
	timedPhase(o)
	cpu0 := cpuUs()
	start := time.Now()
	next := indices(o.putTotal, o.clients)
	pad := strings.Repeat("x", o.valSize)
	for c := 0; c < o.clients; c++ {
		go func() {
			for i := range next {
				value := fmt.Sprintf("%020d", time.Since(base).Nanoseconds())
				if len(value) < o.valSize {
					value += pad[len(value):]
				}
				pctx, pcancel := context.WithTimeout(context.Background(), o.timeout)
				if _, err := putter.Put(pctx, varintKey(i%o.watchedKeys, o.keySize), value); err != nil {
					t.fail(fmt.Errorf("put: %v", err))
				}
				pcancel()
			}
		}()
	}
	done := make(chan struct{})
	go func() { received.Wait(); close(done) }()
	// Every expected event, or give up once none has come for a request timeout.
	for waiting := true; waiting; {
		select {
		case <-done:
			waiting = false
		case <-time.After(250 * time.Millisecond):
			lastMu.Lock()
			quiet := time.Since(last)
			lastMu.Unlock()
			if quiet >= o.timeout {
				waiting = false
			}
		}
	}
	lastMu.Lock()
	elapsed := last.Sub(start)
	lastMu.Unlock()
	if elapsed < 0 {
		elapsed = 0
	}
	cpu := cpuUs() - cpu0
	t.mu.Lock()
	if missing := expected - len(t.latencies); missing > 0 {
		t.errors["watch events not received"] += missing
	}
	t.mu.Unlock()
	return t, expected, elapsed, cpu
}

func main() {
	o := &options{}
	endpoints := flag.String("endpoints", "127.0.0.1:2379", "gRPC endpoints, comma separated (host:port)")
	flag.StringVar(&o.workload, "workload", "put", "put, range, txn-put or watch")
	flag.IntVar(&o.clients, "clients", 1, "concurrent clients (watch: concurrent putters)")
	flag.IntVar(&o.conns, "conns", 1, "gRPC connections")
	flag.IntVar(&o.total, "total", 10000, "requests in all")
	flag.IntVar(&o.keySize, "key-size", 8, "key size in bytes")
	flag.IntVar(&o.valSize, "val-size", 8, "value size in bytes")
	flag.IntVar(&o.keySpaceSize, "key-space-size", 1, "maximum possible keys")
	flag.BoolVar(&o.sequentialKeys, "sequential-keys", false, "sequential keys rather than random ones")
	flag.StringVar(&o.consistency, "consistency", "l", "range: linearizable (l) or serializable (s)")
	flag.StringVar(&o.key, "key", "", "range: the key read")
	flag.IntVar(&o.streams, "streams", 10, "watch: watch streams")
	flag.IntVar(&o.watchPerStream, "watch-per-stream", 100, "watch: watchers on each stream")
	flag.IntVar(&o.watchedKeys, "watched-key-total", 1, "watch: distinct keys watched")
	flag.IntVar(&o.putTotal, "put-total", 1000, "watch: puts to the watched keys")
	flag.IntVar(&o.warmUp, "warm-up", 300, "untimed serializable reads before the timed phase")
	flag.DurationVar(&o.timeout, "request-timeout", 10*time.Second, "deadline of each request")
	flag.BoolVar(&o.handshake, "handshake", false, "print \"ready\" and wait for a line on stdin before the timed phase")
	flag.Parse()
	o.endpoints = strings.Split(*endpoints, ",")
	if o.clients < 1 || o.conns < 1 || o.keySize < 1 || o.keySpaceSize < 1 || o.streams < 1 || o.watchPerStream < 1 || o.watchedKeys < 1 {
		fmt.Fprintln(os.Stderr, "clients, conns, key-size, key-space-size, streams, watch-per-stream and watched-key-total must be positive")
		os.Exit(2)
	}
	if o.workload == "range" && o.key == "" {
		fmt.Fprintln(os.Stderr, "range needs -key")
		os.Exit(2)
	}
	if o.workload == "watch" && o.valSize < 20 {
		o.valSize = 20 // the stamp
	}
	var t *tally
	var expected int
	var elapsed time.Duration
	var cpu float64
	if o.workload == "watch" {
		t, expected, elapsed, cpu = runWatch(o)
	} else {
		t, expected, elapsed, cpu = runRequests(o)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	r := report{Workload: o.workload, Generator: "go", Count: len(t.latencies), Expected: expected, ErrorMessages: t.errors, ElapsedSec: elapsed.Seconds(), Latency: summarize(t.latencies), ClientCPUUs: cpu}
	for _, n := range t.errors {
		r.Errors += n
	}
	if r.ElapsedSec > 0 {
		r.Throughput = float64(r.Count) / r.ElapsedSec
	}
	if r.Count > 0 {
		r.ClientCPUUsPerOp = cpu / float64(r.Count)
	}
	out, _ := json.Marshal(r)
	fmt.Println(string(out))
}
