package ratelimit

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"
)

// ParseRedisURL turns Options.RedisURL into go-redis universal options, so
// one setting covers the three deployments go-redis supports:
//
//	redis://[user:pass@]host:6379/0           single node (rediss:// for TLS)
//	redis://[user:pass@]h1:26379,h2:26379/0?master_name=mymaster
//	                                          Sentinel: hosts are sentinels
//	redis://[user:pass@]h1:6379,h2:6379       Cluster: several hosts, no master_name
//	redis://[user:pass@]cfg-endpoint:6379?cluster=true
//	                                          Cluster behind one seed address
//
// The user info authenticates to the data nodes. Besides go-redis's own
// query parameters (see redis.ParseURL: dial_timeout, pool_size, ...) it
// accepts master_name, sentinel_username, sentinel_password and cluster.
// With several hosts and rediss://, each host's certificate is checked
// against the name it was dialed by. Unix sockets are not supported.
func ParseRedisURL(raw string) (*redis.UniversalOptions, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok || (scheme != "redis" && scheme != "rediss") {
		return nil, fmt.Errorf("ratelimit: redis url: scheme must be redis:// or rediss://")
	}
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	userinfo, hostList := "", authority
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		userinfo, hostList = authority[:i+1], authority[i+1:]
	}
	hosts := strings.Split(hostList, ",")
	addrs := make([]string, 0, len(hosts))
	for _, h := range hosts {
		addr, err := hostPort(h)
		if err != nil {
			return nil, err
		}
		addrs = append(addrs, addr)
	}

	// Parse the first host with go-redis's own parser so credentials, the
	// database number, TLS and its query parameters behave as documented
	// upstream; our parameters are taken out first because it rejects
	// unknown ones.
	u, err := url.Parse(scheme + "://" + userinfo + hosts[0] + tail)
	if err != nil {
		// The url package echoes the input, password included: never wrap it.
		return nil, fmt.Errorf("ratelimit: redis url: malformed")
	}
	q := u.Query()
	take := func(name string) string {
		v := q.Get(name)
		q.Del(name)
		return v
	}
	masterName := take("master_name")
	sentinelUser, sentinelPass := take("sentinel_username"), take("sentinel_password")
	cluster := take("cluster")
	u.RawQuery = q.Encode()
	single, err := redis.ParseURL(u.String())
	if err != nil {
		return nil, fmt.Errorf("ratelimit: redis url: %w", err)
	}

	o := &redis.UniversalOptions{
		Addrs:            addrs,
		MasterName:       masterName,
		SentinelUsername: sentinelUser,
		SentinelPassword: sentinelPass,
		Username:         single.Username,
		Password:         single.Password,
		DB:               single.DB,
		TLSConfig:        single.TLSConfig,
		ClientName:       single.ClientName,
		Protocol:         single.Protocol,
		DialTimeout:      single.DialTimeout,
		ReadTimeout:      single.ReadTimeout,
		WriteTimeout:     single.WriteTimeout,
		PoolSize:         single.PoolSize,
		PoolTimeout:      single.PoolTimeout,
		MinIdleConns:     single.MinIdleConns,
		MaxIdleConns:     single.MaxIdleConns,
		MaxActiveConns:   single.MaxActiveConns,
		ConnMaxIdleTime:  single.ConnMaxIdleTime,
		ConnMaxLifetime:  single.ConnMaxLifetime,
	}
	switch cluster {
	case "", "false", "0":
	case "true", "1":
		o.IsClusterMode = true
	default:
		return nil, fmt.Errorf("ratelimit: redis url: cluster=%q: want true or false", cluster)
	}
	isCluster := o.IsClusterMode || (len(addrs) > 1 && masterName == "")
	if isCluster && masterName != "" {
		return nil, fmt.Errorf("ratelimit: redis url: cluster and master_name are exclusive")
	}
	if isCluster && o.DB != 0 {
		return nil, fmt.Errorf("ratelimit: redis url: Redis Cluster has only database 0")
	}
	if o.TLSConfig != nil && (isCluster || masterName != "") {
		// Nodes are reached by names learned at run time; an empty
		// ServerName makes the TLS dialer verify each against its own name
		// instead of against the first configured host.
		o.TLSConfig.ServerName = ""
	}
	return o, nil
}

// hostPort validates one host of the list and adds the default port.
func hostPort(h string) (string, error) {
	if h == "" {
		return "", fmt.Errorf("ratelimit: redis url: empty host")
	}
	u, err := url.Parse("redis://" + h)
	if err != nil || u.Hostname() == "" || u.User != nil || u.Path != "" {
		return "", fmt.Errorf("ratelimit: redis url: bad host %q", h)
	}
	port := u.Port()
	if port == "" {
		port = "6379"
	}
	return net.JoinHostPort(u.Hostname(), port), nil
}
