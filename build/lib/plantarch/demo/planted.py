"""The problems deliberately planted in the demo plant, and what each later capability should report.

This list is the contract between the demo plant and the checks, analyses and roadmap that are
tested against it; docs/demo-plant.md shows the same table to users.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PlantedProblem:
    """One deliberate problem in the demo plant, the objects involved and who should find it."""

    key: str
    title: str
    objects: tuple[str, ...]
    check: str = ""
    analysis: str = ""
    roadmap: str = ""
    also: str = ""
    capture_only: bool = False


@dataclass(frozen=True)
class HiddenFlow:
    """A conversation that appears only in the demo capture: nobody declared it."""

    key: str
    src_ip: str
    dst_ip: str
    transport: str
    port: int
    protocol: str
    description: str
    src: str | None = None
    dst: str | None = None
    details: tuple[str, ...] = field(default_factory=tuple)


HISTORIANS = ("hist-pi-site", "hist-canary-rp", "hist-proficy-legacy")
EOL_HMIS = ("l1-hmi-labeller", "l2-hmi-erector", "l2-hmi-cartoner")
SPAGHETTI_FLOWS = (
    "cmms-maximo-to-erp-sap-requisitions",
    "erp-sap-to-mes-rp-product-definition",
    "erp-sap-to-wms-rp-deliveries",
    "lims-labware-to-erp-sap-usage",
    "lims-labware-to-mes-rp-release",
    "lims-labware-to-qms-etq-results",
    "lims-micro-to-qms-etq-results",
    "mes-rp-to-cmms-maximo-equipment",
    "mes-rp-to-erp-sap-consumption",
    "mes-rp-to-erp-sap-performance",
    "mes-rp-to-lims-labware-samples",
    "mes-rp-to-qms-etq-deviations",
    "mes-rp-to-wms-rp-calloffs",
    "plm-windchill-to-erp-sap-boms",
    "plm-windchill-to-mes-rp-specs",
    "qms-etq-to-erp-sap-notifications",
    "qms-etq-to-plm-windchill-changes",
    "wms-rp-to-erp-sap-movements",
    "wms-rp-to-mes-rp-stock",
)
LINE3_SILO = ("l3-plc-thermoformer", "l3-hmi-thermoformer", "l3-drives-thermoformer", "l3-datalogger")

HIDDEN_FLOWS: tuple[HiddenFlow, ...] = (
    HiddenFlow(
        "hidden-kepware-polls-cartoner",
        "10.30.0.31",
        "10.20.2.15",
        "tcp",
        44818,
        "enip",
        "KEPServerEX still polls the Line 2 cartoner PLC over EtherNet/IP (a forgotten tag group).",
        "opc-kepware-server",
        "l2-plc-cartoner-cpu",
    ),
    HiddenFlow(
        "hidden-canary-polls-filler",
        "10.30.0.21",
        "10.20.1.15",
        "tcp",
        102,
        "s7comm",
        "The Canary historian's S7 collector polls the Line 1 filler PLC directly.",
        "hist-canary-rp-server",
        "l1-plc-filler-cpu",
    ),
    HiddenFlow(
        "hidden-qms-reads-lims-db",
        "10.10.10.30",
        "10.30.0.40",
        "tcp",
        1433,
        "mssql",
        "QMS reads the LIMS database directly (level 4 to level 3, no DMZ).",
        "qms-etq-server",
        "lims-labware-server",
    ),
    HiddenFlow(
        "hidden-ews-to-internet",
        "10.30.0.52",
        "192.0.2.44",
        "tcp",
        443,
        "https",
        "The dual-homed Line 2 engineering PC reaches a licence server on the internet.",
        "l2-ews-pc",
        None,
    ),
    HiddenFlow(
        "hidden-contractor-laptop",
        "10.20.2.199",
        "10.20.2.25",
        "tcp",
        44818,
        "enip",
        "An unknown laptop in the Line 2 cell opens a CIP session to the case packer PLC.",
        None,
        "l2-plc-casepacker-cpu",
    ),
)
"""Flows in the demo capture that no one declared (hidden dependencies), with the assets they touch."""

STALE_FLOW = "qms-etq-to-erp-sap-notifications"
"""A declared flow the demo capture never shows (stale documentation)."""

PLANTED_PROBLEMS: tuple[PlantedProblem, ...] = (
    PlantedProblem(
        "redundant-historians",
        "Three historians serve process-historian at the Riverside site",
        HISTORIANS,
        check="CAP-001 on hist-canary-rp and hist-proficy-legacy (hist-pi-site, since 2011, is incumbent)",
        analysis="redundancy: process-historian at riverside-plant, 3 systems, redundant spend = costs of "
        "hist-canary-rp + hist-proficy-legacy",
        roadmap="consolidate on hist-pi-site; retire hist-canary-rp and hist-proficy-legacy after migrating "
        "their interfaces (ut-scada, ut-bms, l2-scada, oee-grafana-l2)",
    ),
    PlantedProblem(
        "level4-to-level1",
        "ERP reads the filler PLC directly (level 4 to level 1)",
        ("erp-sap-to-l1-plc-filler", "erp-sap", "l1-plc-filler"),
        check="SEG-001 (level 4 to 1) and SEG-002 (IT/OT not through the DMZ) on the flow",
        also="SEG-005 too: no conduit joins z-enterprise and z-line1-cell",
        roadmap="migrate: ERP takes counts from MES (or the UNS) instead of the PLC",
    ),
    PlantedProblem(
        "eol-hmis",
        "Three end-of-support HMIs on the lines (level 2)",
        EOL_HMIS,
        check="LIFE-001 on each HMI (end of support at level <= 3)",
        analysis="lifecycle and risk: end-of-support systems weighted by level and criticality",
        roadmap="replace (Migrate); they are also counted in the end-of-support metric",
    ),
    PlantedProblem(
        "eol-legacy-historian",
        "The legacy Proficy historian is out of support (level 3)",
        ("hist-proficy-legacy",),
        check="LIFE-001 (end of support 2022-12-31 at level 3)",
        analysis="lifecycle and risk",
        roadmap="Eliminate (part of the historian consolidation)",
    ),
    PlantedProblem(
        "missing-schedule-flow",
        "No production schedule flows from ERP to MES at Riverside",
        ("erp-sap", "mes-rp"),
        analysis="integration gap: ISA-95 production-schedule from erp-sap down to mes-rp is missing "
        "(Millbrook has it: erp-sap-to-mb-mes-schedule)",
        roadmap="Invest: add the schedule exchange through the integration platform",
    ),
    PlantedProblem(
        "point-to-point-spaghetti",
        "Point-to-point spaghetti between Riverside's business systems",
        SPAGHETTI_FLOWS,
        check="INT-001 on each of the 19 flows",
        analysis="integration complexity: 19 point-to-point interfaces among 8 business systems at "
        "Riverside where a hub needs 8 connections",
        roadmap="migrate the interfaces onto int-mulesoft (as Millbrook does)",
    ),
    PlantedProblem(
        "cleartext-modbus-across-zones",
        "Plain Modbus/TCP from site operations into the utilities cell",
        ("ems-rp-to-power-meters", "ems-rp", "ut-power-meters"),
        check="SEG-003: cleartext Modbus crosses from z-site-ops to z-utilities",
        also="the conduit c-site-ops-utilities allows it: allow-listed is not the same as safe",
        roadmap="Invest: an OPC UA gateway in the utilities cell",
    ),
    PlantedProblem(
        "flow-not-on-allow-list",
        "MES copies files from the Line 1 SCADA over SMB, which the conduit does not allow",
        ("mes-rp-to-l1-scada-batch-files", "c-site-ops-line1"),
        check="SEG-005: smb/445 is not on the allow-list of c-site-ops-line1",
    ),
    PlantedProblem(
        "dual-homed-host",
        "The Line 2 engineering PC has a leg in the cell and one in site operations",
        ("l2-ews-pc", "l2-ews"),  # the host, and the system it runs
        check="SEG-006 on the host and on its system (10.20.2.50 in z-line2-cell SL-T 2, "
        "10.30.0.52 in z-site-ops SL-T 3)",
    ),
    PlantedProblem(
        "zone-below-target",
        "The utilities cell achieves SL 1 against a target of SL 2",
        ("z-utilities",),
        check="SL-002: achieved SL 1 below target SL 2",
    ),
    PlantedProblem(
        "vendor-bypass",
        "The palletiser builder reaches the Line 2 palletiser HMI over TeamViewer and a 4G router",
        (
            "vendor-palletizer-oem-to-l2-hmi-palletizer",
            "vendor-palletizer-oem",
            "l2-hmi-palletizer",
            "l2-4g-router",
        ),
        check="ACC-001: vendor access into level 2 without the DMZ jump host",
        also="SEG-005 too: no conduit joins z-vendor and z-line2-cell",
    ),
    PlantedProblem(
        "system-without-owner",
        "The Line 2 OEE dashboard has no owner",
        ("oee-grafana-l2",),
        check="INV-001: no owner",
    ),
    PlantedProblem(
        "duplicate-capability-unjustified",
        "A second CMMS for the utilities team, without justification",
        ("cmms-upkeep", "cmms-maximo"),
        check="CAP-001 on cmms-upkeep (maintenance-execution-management, maintenance-tracking at "
        "riverside-plant, already served by cmms-maximo)",
        analysis="redundancy: CMMS at riverside-plant",
        roadmap="consolidate on cmms-maximo; retire cmms-upkeep",
    ),
    PlantedProblem(
        "silo-line3",
        "Line 3's data reaches nothing outside its cell",
        LINE3_SILO,
        analysis="silo: rp-line3 / z-line3-cell has no path to site operations or the business layer",
        roadmap="Invest: connect Line 3 to the UNS",
    ),
    PlantedProblem(
        "single-point-of-failure",
        "One broker node carries every line's data to MES and the historian",
        ("uns-broker",),
        analysis="resilience: uns-broker is the only articulation point of the critical-system flow graph",
        roadmap="Invest: cluster the broker",
    ),
    PlantedProblem(
        "hidden-dependencies",
        "Five conversations in the demo capture that nobody declared",
        tuple(h.key for h in HIDDEN_FLOWS),
        check="on observed data: conduit and segmentation rules once discovery has reconciled the capture",
        analysis="drift: observed, not declared (hidden dependencies); unknown hosts 10.20.2.199, 192.0.2.44",
        capture_only=True,
    ),
    PlantedProblem(
        "stale-declared-flow",
        "A declared interface the capture never shows",
        (STALE_FLOW,),
        analysis="drift: declared but never observed (stale documentation)",
        capture_only=True,
    ),
)
"""Every planted problem, in the order docs/demo-plant.md lists them."""

COMPLIANT_EXAMPLES: tuple[tuple[str, str], ...] = (
    (
        "erp-sap-to-mb-mes-schedule",
        "Millbrook gets its schedule from ERP through the middleware runtime in its DMZ",
    ),
    (
        "vendor-siemens-to-ra-gateway",
        "Siemens remote service goes through the DMZ gateway, jump host and terminal server",
    ),
    (
        "hist-pi-site-to-safety-filler",
        "Encrypted, read-only OPC UA into the safety zone, allowed by c-site-ops-safety",
    ),
    ("l1-hmi-filler-to-plc", "Cleartext S7comm that stays inside one zone"),
    ("l1-edge-gw-a", "Edge gateways come in justified active/standby pairs"),
    ("lims-micro", "A second LIMS with a recorded justification"),
    ("ot-ad", "Separate OT infrastructure (AD, backup, virtualisation, core switches), each justified"),
    ("mb-hist", "A historian at another site is not redundant with Riverside's"),
    ("it-fileserver", "End of support at level 4: lifecycle analysis lists it, the level <= 3 rule does not"),
    ("z-line1-cell", "Cell, safety and DMZ zones achieve their target security level"),
    ("hist-pi-site-to-dmz", "Shop floor to historian to DMZ mirror to data lake: the analytics path exists"),
)
"""Parts of the demo plant that are deliberately compliant: no check may flag them."""
