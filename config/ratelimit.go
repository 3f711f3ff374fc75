package config

import "time"

// RateLimit configures the per-IP limits on /auth and the per-account
// login limit. Rates use ulule/limiter's "<count>-<S|M|H|D>" format.
type RateLimit struct {
	// Store, OnStoreError and the rates follow ratelimit.Options, which
	// owns their values, defaults and checks (see LimiterOptions).
	Store        string        `mapstructure:"store" json:"store"`
	RedisURL     Secret        `mapstructure:"redis_url" json:"redis_url"`
	Prefix       string        `mapstructure:"prefix" json:"prefix"`
	OnStoreError string        `mapstructure:"on_store_error" json:"on_store_error"`
	StoreTimeout time.Duration `mapstructure:"store_timeout" json:"store_timeout"`
	// DegradeAfter is how long Redis calls must keep failing before the
	// instance switches to on_store_error (ratelimit.Options.DegradeAfter).
	DegradeAfter time.Duration `mapstructure:"degrade_after" json:"degrade_after"`
	Login        string        `mapstructure:"login" json:"login"`
	Register     string        `mapstructure:"register" json:"register"`
	Refresh      string        `mapstructure:"refresh" json:"refresh"`
	Logout       string        `mapstructure:"logout" json:"logout"`
	// LoginAccount limits attempts per target account, whatever the source
	// IP, which is what slows down a distributed password guess.
	LoginAccount string `mapstructure:"login_account" json:"login_account"`
}
