# Import by record id: <table>/<record id (GUID)>
terraform import 'cosell_solution_detail.catalogue["SOL-15974-MQF"]' msft_solutiondetail/5f0c2a8e-3b1d-4c6e-9f7a-8b9c0d1e2f3a

# Import by solution id: <table>/<solution id> (a co-sell SOL-… id or a Microsoft solution GUID;
# a GUID is tried as the record id first, then as the solution id)
terraform import 'cosell_solution_detail.catalogue["SOL-15974-MQF"]' msft_solutiondetail/SOL-15974-MQF
