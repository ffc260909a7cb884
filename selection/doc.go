// Package selection holds the rules of stream and field selection (API.md
// §10.4–10.5, SELECTION.md): it builds the models of the stream list and of a
// stream's page from Stitch's streams and schemas, keeps the user's pending
// choices in a draft, and turns a draft into the metadata updates Stitch
// needs, or into problems to show. It knows nothing of HTTP.
package selection
