#!/usr/bin/env bash
# Baton against Terraform on the same random DAG (seed 42; each node depends on up to 3 earlier ones) at 500, 1,000
# and 2,000 resources: Terraform applies terraform_data resources ordered by depends_on, Baton applies sim.resources
# whose inputs reference the same dependencies. Both start from empty state, with parallelism 32, in the same run,
# alternating. Baton is timed as a whole CLI process (start-up included) and, separately, in process.
# Needs terraform on the PATH (terraform_data is built in, so init needs no network). Prints markdown.
# SIZES (default "500 1000 2000") and BATON_RUNS (default 3) can be set.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

sizes="${SIZES:-500 1000 2000}"
baton_runs="${BATON_RUNS:-3}"
export TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1 TF_INPUT=0

dotnet build -c Release bench/Baton.Bench -v quiet -nologo > /dev/null
dotnet build -c Release src/Baton.Cli -v quiet -nologo > /dev/null
bench=(dotnet "$root/bench/Baton.Bench/bin/Release/net10.0/baton-bench.dll")
baton=(dotnet "$root/src/Baton.Cli/bin/Release/net10.0/baton.dll")

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# An empty CLI configuration keeps Terraform from warning that ~/.terraformrc is missing.
touch "$work/terraformrc"
export TF_CLI_CONFIG_FILE="$work/terraformrc"

now() { date +%s.%N; }
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "terraform: $(terraform version | head -1), load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| resources | edges | terraform apply s | baton apply (CLI process) s, median | baton CLI runs s | baton in process (load→applied) s | speed-up (CLI) | load average |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $sizes; do
  dir="$work/$n"
  edges=$("${bench[@]}" generate --resources "$n" --seed 42 --baton "$dir/baton" --terraform "$dir/terraform" | sed -E 's/.*resources, ([0-9,]+) edges.*/\1/')
  (cd "$dir/terraform" && terraform init -input=false > "$dir/init.log")

  baton_times=""
  terraform_time=""
  for run in $(seq 1 "$baton_runs"); do
    rm -rf "$dir/baton/.baton"
    start=$(now)
    "${baton[@]}" apply "$dir/baton" --auto-approve > "$dir/baton.log"
    baton_times="$baton_times $(seconds "$start" "$(now)")"
    if [ "$run" -eq 1 ]; then
      # Terraform runs once per size (it takes minutes at 2,000), between the first and second Baton runs.
      rm -f "$dir/terraform/terraform.tfstate" "$dir/terraform/terraform.tfstate.backup"
      start=$(now)
      (cd "$dir/terraform" && terraform apply -auto-approve -input=false -parallelism=32 > "$dir/terraform.log")
      terraform_time=$(seconds "$start" "$(now)")
      grep -q "Apply complete! Resources: $n added" "$dir/terraform.log"
    fi
  done
  grep -q "Apply complete: $n created" "$dir/baton.log"

  in_process=$("${bench[@]}" apply --resources "$n" --seed 42 --repeat 3 --destroy false | sed -nE 's/.*load\+open\+plan\+apply +([0-9]+).*/\1/p')
  baton_median=$(echo "$baton_times" | median)
  speedup=$(awk -v t="$terraform_time" -v b="$baton_median" 'BEGIN { printf "%.1f×", t / b }')
  echo "| $(printf "%'d" "$n") | $edges | $terraform_time | $baton_median | ${baton_times# } | $(awk -v m="$in_process" 'BEGIN { printf "%.2f", m / 1000 }') | $speedup | $(cut -d' ' -f1-3 /proc/loadavg) |"
done
