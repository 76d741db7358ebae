/** The service's CI/CD workflow; the signing identity of its images names this file. */
export const CI_WORKFLOW_FILE = ".github/workflows/ci.yml";

/** Where the service pipeline's workflows are written in the repository. */
export const SERVICE_WORKFLOW_PATHS = {
  ci: CI_WORKFLOW_FILE,
  securityScan: ".github/workflows/security-scan.yml",
} as const;
