package dataverse

// InsertOption adds an option to a local choice column in place, as
// POST /InsertOptionValue would (drift tests: "someone added an option in the
// maker portal"). value 0 lets the emulator pick the next free value.
func (s *Service) InsertOption(table, attribute string, value int, text string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	body := map[string]any{"EntityLogicalName": table, "AttributeLogicalName": attribute,
		"Label": map[string]any{"LocalizedLabels": []any{map[string]any{"Label": text, "LanguageCode": float64(langEnglish)}}}}
	if value != 0 {
		body["Value"] = float64(value)
	}
	var got int
	err := s.inTx(func() *apiError {
		var e *apiError
		got, e = s.insertOptionValue(body)
		return e
	})
	return got, err
}
