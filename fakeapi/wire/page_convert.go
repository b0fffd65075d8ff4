package wire

// ConvertPage returns p with each of its items converted by fn. Build the
// page of engine objects with NewPage, then render only the items on it:
// a list of 10,000 calls renders 50 of them, not 10,000.
func ConvertPage[S, T any](p Page[S], fn func(S) T) Page[T] {
	items := make([]T, len(p.Items))
	for i, it := range p.Items {
		items[i] = fn(it)
	}
	return Page[T]{
		Key:             p.Key,
		Items:           items,
		FirstPageURI:    p.FirstPageURI,
		NextPageURI:     p.NextPageURI,
		PreviousPageURI: p.PreviousPageURI,
		Page:            p.Page,
		PageSize:        p.PageSize,
		Start:           p.Start,
		End:             p.End,
		URI:             p.URI,
	}
}
