module github.com/tack/launcher

go 1.22

require (
	github.com/cespare/xxhash/v2 v2.3.0
	github.com/google/uuid v1.6.0
	github.com/minio/highwayhash v1.0.3
	github.com/tinylib/msgp v1.4.0
)

require (
	github.com/philhofer/fwd v1.2.0 // indirect
	golang.org/x/sys v0.21.0 // indirect
)
