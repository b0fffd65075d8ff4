module github.com/holdlab/holdlab/bench

go 1.26.8

require (
	github.com/holdlab/holdlab v0.0.0
	github.com/sprucehealth/twimulator v0.0.0
	github.com/twilio/twilio-go v1.31.0
)

require (
	github.com/beevik/etree v1.8.1 // indirect
	github.com/golang-jwt/jwt/v5 v5.2.2 // indirect
	github.com/golang/mock v1.6.0 // indirect
	github.com/pkg/errors v0.9.1 // indirect
)

replace github.com/holdlab/holdlab => ../

replace github.com/sprucehealth/twimulator => ./third_party/twimulator
