data "cosell_referral" "tailspin" {
  id = "7d0f5b8e-1a2b-4c3d-9e8f-112233445566"
}

output "tailspin_status" {
  value = "${data.cosell_referral.tailspin.status}/${data.cosell_referral.tailspin.substatus}"
}
