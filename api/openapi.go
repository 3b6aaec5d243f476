package api

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

// openapiYAML is the hand-written description of the API; api_test checks
// real answers against it.
//
//go:embed openapi.yaml
var openapiYAML []byte

var (
	specOnce sync.Once
	specDoc  *openapi3.T
	specJSON []byte
	specErr  error
)

// Spec returns the OpenAPI document, validated.
func Spec() (*openapi3.T, []byte, error) {
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		specDoc, specErr = loader.LoadFromData(openapiYAML)
		if specErr == nil {
			specErr = specDoc.Validate(loader.Context)
		}
		if specErr == nil {
			specJSON, specErr = json.Marshal(specDoc)
		}
		if specErr != nil {
			specErr = fmt.Errorf("openapi.yaml: %w", specErr)
		}
	})
	return specDoc, specJSON, specErr
}

func (h *handler) openapi(c *gin.Context) {
	_, body, err := Spec()
	if err != nil {
		h.error(c, err)
		return
	}
	h.write(c, "application/json; charset=utf-8", body)
}
