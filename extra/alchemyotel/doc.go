// Package alchemyotel traces and measures alchemy engines with OpenTelemetry.
package alchemyotel
