module github.com/holdlab/holdlab

go 1.26.8

require (
	github.com/beevik/etree v1.8.1
	github.com/spf13/cobra v1.10.2
	github.com/twilio/twilio-go v1.31.0
)

require (
	github.com/golang-jwt/jwt/v5 v5.2.2 // indirect
	github.com/golang/mock v1.6.0 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/pkg/errors v0.9.1 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	github.com/stretchr/testify v1.8.2 // indirect
)
