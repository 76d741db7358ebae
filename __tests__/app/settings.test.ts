import { settingsFromEnvironment } from "../../lib/app/settings";

describe("run settings from the environment", () => {
  it("uses the default config file, cdktf.out and local state when nothing is set", () => {
    expect(settingsFromEnvironment({})).toEqual({
      configFile: "config/delivery.yaml",
      outdir: "cdktf.out",
      quiet: false,
      debug: false,
    });
  });

  it("reads DELIVERY_CONFIG and the cdktf CLI's CDKTF_OUTDIR", () => {
    expect(settingsFromEnvironment({ DELIVERY_CONFIG: "config/other.yaml", CDKTF_OUTDIR: "/tmp/out" })).toMatchObject({
      configFile: "config/other.yaml",
      outdir: "/tmp/out",
    });
  });

  it("switches to Terraform Cloud when TF_CLOUD_ORGANIZATION is set, with TF_CLOUD_HOSTNAME as the host", () => {
    expect(settingsFromEnvironment({ TF_CLOUD_ORGANIZATION: "acme" }).terraformCloud).toEqual({ organization: "acme" });
    expect(
      settingsFromEnvironment({ TF_CLOUD_ORGANIZATION: "acme", TF_CLOUD_HOSTNAME: "tfe.example.com" }).terraformCloud,
    ).toEqual({
      organization: "acme",
      hostname: "tfe.example.com",
    });
  });

  it("treats an empty Terraform Cloud organization or output directory as unset", () => {
    expect(settingsFromEnvironment({ TF_CLOUD_ORGANIZATION: " ", CDKTF_OUTDIR: "" })).toEqual({
      configFile: "config/delivery.yaml",
      outdir: "cdktf.out",
      quiet: false,
      debug: false,
    });
  });

  it("rejects an empty DELIVERY_CONFIG (a variable that expanded to nothing) instead of using the default file", () => {
    expect(() => settingsFromEnvironment({ DELIVERY_CONFIG: "" })).toThrow(
      /DELIVERY_CONFIG: is set but empty; set it to a configuration file, or unset it to use config\/delivery\.yaml/,
    );
  });

  it("reads DELIVERY_QUIET and DELIVERY_DEBUG", () => {
    expect(settingsFromEnvironment({ DELIVERY_QUIET: "1", DELIVERY_DEBUG: "1" })).toMatchObject({
      quiet: true,
      debug: true,
    });
  });

  it("rejects an organization or host that Terraform Cloud would not accept", () => {
    expect(() =>
      settingsFromEnvironment({ TF_CLOUD_ORGANIZATION: "acme corp", TF_CLOUD_HOSTNAME: "https://tfe/" }),
    ).toThrow(
      /TF_CLOUD_ORGANIZATION: must be a Terraform Cloud organization name[\s\S]*TF_CLOUD_HOSTNAME: must be a host name/,
    );
  });
});
