package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis keeps launch tokens, used OAuth states and form claims in Redis with
// TTLs, redeemed atomically, so single use holds across replicas.
//
// Failures are reported, never swallowed: every operation that Redis could
// not answer returns an error wrapping ErrUnavailable. The first failure of
// an outage is logged at ERROR, the first success after it at INFO ("once per
// incident"); the go-redis pool reconnects by itself, so recovery needs no
// restart.
type Redis struct {
	rdb    *redis.Client
	prefix string
	log    *slog.Logger
	down   atomic.Bool
}

var _ All = (*Redis)(nil)

// NewRedis connects to redisURL (redis://host:port/db) and checks it answers.
// Operations time out after 2 s so an outage shows quickly.
func NewRedis(ctx context.Context, redisURL string, log *slog.Logger) (*Redis, error) {
	opt, err := redis.ParseURL(redisURL)
	if err != nil {
		return nil, fmt.Errorf("parse REDIS_URL: %w", err)
	}
	if opt.DialTimeout == 0 || opt.DialTimeout > 2*time.Second {
		opt.DialTimeout = 2 * time.Second
	}
	if opt.ReadTimeout == 0 || opt.ReadTimeout > 2*time.Second {
		opt.ReadTimeout = 2 * time.Second
	}
	if opt.WriteTimeout == 0 || opt.WriteTimeout > 2*time.Second {
		opt.WriteTimeout = 2 * time.Second
	}
	// Fail fast while Redis is down: one retry of a command, two dial attempts.
	opt.MaxRetries = 1
	opt.DialerRetries = 2
	opt.DialerRetryTimeout = 50 * time.Millisecond
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	quietLibrary(log)
	rdb := redis.NewClient(opt)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := rdb.Ping(pctx).Err(); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("connect to redis: %w", err)
	}
	return &Redis{rdb: rdb, prefix: "onramp:", log: log}, nil
}

// Close closes the connection pool.
func (r *Redis) Close() error { return r.rdb.Close() }

// Ping implements All.
func (r *Redis) Ping(ctx context.Context) error {
	if err := r.rdb.Ping(ctx).Err(); err != nil {
		return r.fail(ctx, "ping", err)
	}
	r.ok()
	return nil
}

// fail turns a Redis error into one wrapping ErrUnavailable, logging the
// start of an outage once. The caller's own cancellation is not an outage.
func (r *Redis) fail(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("redis %s: %w", op, ctx.Err())
	}
	if r.down.CompareAndSwap(false, true) {
		r.log.Error("redis is unavailable; pages that need it answer 503 until it is back", "op", op, "err", err)
	}
	return fmt.Errorf("redis %s: %w: %w", op, ErrUnavailable, err)
}

// ok notes a successful answer, logging the end of an outage once.
func (r *Redis) ok() {
	if r.down.CompareAndSwap(true, false) {
		r.log.Info("redis is available again")
	}
}

const usedMarker = "\x00used"

// Put implements Launches. The key outlives the token by an hour so a late
// or second redemption can be told apart from an unknown token.
func (r *Redis) Put(ctx context.Context, token string, payload []byte, expires time.Time) error {
	ttl := time.Until(expires) + tombstoneFor
	b := make([]byte, 0, len(payload)+40)
	b = append(b, expires.UTC().Format(time.RFC3339Nano)...)
	b = append(b, '|')
	b = append(b, payload...)
	if err := r.rdb.Set(ctx, r.prefix+"launch:"+token, b, ttl).Err(); err != nil {
		return r.fail(ctx, "store launch token", err)
	}
	r.ok()
	return nil
}

// Redeem implements Launches: SET … GET swaps the payload for a marker in
// one atomic step, so exactly one redemption sees it.
func (r *Redis) Redeem(ctx context.Context, token string) ([]byte, RedeemStatus, error) {
	key := r.prefix + "launch:" + token
	old, err := r.rdb.SetArgs(ctx, key, usedMarker, redis.SetArgs{Get: true, KeepTTL: true}).Result()
	switch {
	case errors.Is(err, redis.Nil):
		// Nothing was there: remove the marker we just wrote.
		if err := r.rdb.Del(ctx, key).Err(); err != nil {
			return nil, RedeemUnknown, r.fail(ctx, "redeem launch token", err)
		}
		r.ok()
		return nil, RedeemUnknown, nil
	case err != nil:
		return nil, RedeemUnknown, r.fail(ctx, "redeem launch token", err)
	}
	r.ok()
	if old == usedMarker {
		return nil, RedeemUsed, nil
	}
	ts, payload, ok := strings.Cut(old, "|")
	exp, perr := time.Parse(time.RFC3339Nano, ts)
	if !ok || perr != nil {
		return nil, RedeemUnknown, nil
	}
	if time.Now().After(exp) {
		return nil, RedeemExpired, nil
	}
	return []byte(payload), RedeemOK, nil
}

// Use implements OneTime with SET NX.
func (r *Redis) Use(ctx context.Context, key string) (bool, error) {
	fresh, err := r.rdb.SetNX(ctx, r.prefix+"once:"+key, "1", time.Hour).Result()
	if err != nil {
		return false, r.fail(ctx, "use one-time value", err)
	}
	r.ok()
	return fresh, nil
}

// Claim implements Claims with SET NX.
func (r *Redis) Claim(ctx context.Context, key string) (bool, error) {
	fresh, err := r.rdb.SetNX(ctx, r.prefix+"claim:"+key, "", 24*time.Hour).Result()
	if err != nil {
		return false, r.fail(ctx, "claim form", err)
	}
	r.ok()
	return fresh, nil
}

// Resolve implements Claims.
func (r *Redis) Resolve(ctx context.Context, key, result string) error {
	if err := r.rdb.Set(ctx, r.prefix+"claim:"+key, result, 24*time.Hour).Err(); err != nil {
		return r.fail(ctx, "resolve claim", err)
	}
	r.ok()
	return nil
}

// Release implements Claims.
func (r *Redis) Release(ctx context.Context, key string) error {
	if err := r.rdb.Del(ctx, r.prefix+"claim:"+key).Err(); err != nil {
		return r.fail(ctx, "release claim", err)
	}
	r.ok()
	return nil
}

// Result implements Claims.
func (r *Redis) Result(ctx context.Context, key string) (string, error) {
	v, err := r.rdb.Get(ctx, r.prefix+"claim:"+key).Result()
	if errors.Is(err, redis.Nil) {
		r.ok()
		return "", nil
	}
	if err != nil {
		return "", r.fail(ctx, "read claim", err)
	}
	r.ok()
	return v, nil
}

var libraryLogger sync.Once

// quietLibrary sends go-redis's own log lines (a line per failed dial while
// Redis is down) to log at DEBUG: the store already logs each outage once.
// go-redis has one process-wide logger, so the first store's logger wins.
func quietLibrary(log *slog.Logger) {
	libraryLogger.Do(func() { redis.SetLogger(libraryLog{log}) })
}

type libraryLog struct{ log *slog.Logger }

func (l libraryLog) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "redis client: "+fmt.Sprintf(format, v...))
}
