package demo

// The word lists behind the tenant's people, groups, rooms and guests. The
// tenant is a Dutch partner with an international staff, so the names are a
// mix; every name is plain ASCII so that a UPN can be made from it as is.

var firstNames = []string{
	"Jan", "Pieter", "Sanne", "Lotte", "Daan", "Sem", "Emma", "Julia", "Lucas", "Finn",
	"Anouk", "Bram", "Thijs", "Fleur", "Ruben", "Iris", "Lars", "Noor", "Jesse", "Eva",
	"Tim", "Sophie", "Milan", "Lisa", "Stijn", "Maud", "Joris", "Femke", "Niels", "Marieke",
	"Koen", "Esther", "Wouter", "Linda", "Martijn", "Ingrid", "Hans", "Petra", "Erik", "Annemiek",
	"Mohamed", "Fatima", "Yusuf", "Amira", "Mehmet", "Elif", "Priya", "Arjun", "Wei", "Mei",
	"James", "Olivia", "Oliver", "Charlotte", "Thomas", "Hannah", "Michael", "Laura", "David", "Sarah",
	"Lukas", "Anna", "Jonas", "Lea", "Mateusz", "Zofia", "Pablo", "Lucia", "Marco", "Giulia",
	"Jean", "Camille", "Kevin", "Nina", "Rick", "Kim", "Dennis", "Sandra", "Mark", "Monique",
}

var lastNames = []string{
	"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
	"Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
	"van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer",
	"van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "van den Heuvel", "van der Veen",
	"van den Broek", "de Bruijn", "de Bruin", "van der Heijden", "Schouten", "van Beek", "Willems",
	"van Vliet", "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins",
	"Blom", "Huisman", "Peeters", "Kaya", "Yilmaz", "El Amrani", "Bouzid", "Sharma", "Patel",
	"Chen", "Wang", "Smith", "Jones", "Williams", "Brown", "Taylor", "Wilson", "Evans", "Murphy",
	"Mueller", "Schmidt", "Schneider", "Fischer", "Weber", "Nowak", "Kowalski", "Wisniewski",
	"Garcia", "Fernandez", "Rossi", "Russo", "Bianchi", "Dubois", "Martin", "Lefevre", "Novak",
	"Horvat", "Andersen", "Nielsen", "Johansson", "Lindqvist", "OBrien", "Kelly",
}

// department is a department with the job titles found in it and its share
// of the staff (weights, not percentages).
type department struct {
	Name   string
	Weight int
	Titles []string
}

// Indexes into departments that cohorts are drawn from.
const (
	deptCloudEngineering = 0
	deptServiceDesk      = 1
	deptSales            = 2
	deptConsulting       = 3
	deptIT               = 4
	deptManagement       = 9
)

var departments = []department{
	{"Cloud Engineering", 16, []string{"Cloud Engineer", "Senior Cloud Engineer", "Cloud Architect", "DevOps Engineer", "Azure Specialist", "Modern Workplace Engineer"}},
	{"Service Desk", 14, []string{"Service Desk Engineer", "Service Desk Analyst", "Senior Service Desk Engineer", "Team Lead Service Desk", "Field Engineer"}},
	{"Sales", 12, []string{"Account Manager", "Senior Account Manager", "Inside Sales Representative", "Sales Engineer", "Partner Manager"}},
	{"Consulting", 14, []string{"Consultant", "Senior Consultant", "Principal Consultant", "Security Consultant", "Licensing Specialist"}},
	{"IT", 4, []string{"System Administrator", "IT Manager", "Security Officer", "Network Engineer"}},
	{"Marketing", 6, []string{"Marketing Specialist", "Content Marketer", "Marketing Manager", "Event Coordinator"}},
	{"Finance", 6, []string{"Controller", "Accountant", "Financial Administrator", "Billing Specialist", "CFO"}},
	{"Human Resources", 4, []string{"HR Advisor", "Recruiter", "HR Manager", "Payroll Administrator"}},
	{"Operations", 10, []string{"Project Manager", "Service Delivery Manager", "Planner", "Office Manager", "Operations Manager"}},
	{"Management", 3, []string{"CEO", "COO", "CTO", "Director Services", "Management Assistant"}},
	{"Legal", 2, []string{"Legal Counsel", "Compliance Officer", "Contract Manager"}},
}

var contractorTitles = []string{"Freelance Consultant", "Contractor - Cloud Engineer", "Interim Project Manager", "External Developer", "Contractor - Service Desk"}

type company struct{ domain, name string }

// Guests come from the partner's customers and suppliers (Microsoft's own
// fictitious companies).
var guestCompanies = []company{
	{"fabrikam.com", "Fabrikam"}, {"northwindtraders.com", "Northwind Traders"}, {"adatum.com", "A. Datum"},
	{"tailspintoys.com", "Tailspin Toys"}, {"woodgrovebank.com", "Woodgrove Bank"}, {"litwareinc.com", "Litware"},
	{"proseware.com", "Proseware"}, {"wingtiptoys.com", "Wingtip Toys"}, {"alpineskihouse.com", "Alpine Ski House"},
	{"fourthcoffee.com", "Fourth Coffee"}, {"relecloud.com", "Relecloud"}, {"lucernepublishing.com", "Lucerne Publishing"},
	{"margiestravel.com", "Margie's Travel"}, {"wideworldimporters.com", "Wide World Importers"},
	{"treyresearch.net", "Trey Research"}, {"cohowinery.com", "Coho Winery"},
	{"blueyonderairlines.com", "Blue Yonder Airlines"}, {"graphicdesigninstitute.com", "Graphic Design Institute"},
}

var cities = []string{"Amsterdam", "Rotterdam", "Utrecht", "Eindhoven", "Groningen", "Antwerp"}

var roomNames = []string{"Huddle", "Focus", "Meeting", "Board", "Training", "Project", "Studio"}

// Generated group trees: a root named after a project or team, with
// sub-teams below it.
var projectNames = []string{
	"Atlas", "Phoenix", "Horizon", "Orion", "Nova", "Aurora", "Beacon", "Compass", "Everest",
	"Falcon", "Gemini", "Helix", "Ignite", "Jupiter", "Keystone", "Lighthouse", "Mercury", "Neptune",
	"Odyssey", "Pioneer", "Quantum", "Summit", "Titan", "Voyager", "Zenith",
}

// subTeams name the groups one level below a root, squads the levels below
// that.
var (
	subTeams = []string{"Delivery", "Architecture", "Migration", "Support", "Security", "Licensing", "Onboarding", "Reporting", "Governance", "Pilot"}
	squads   = []string{"Team A", "Team B", "Team C", "Team D", "Team E", "Team F"}
)

// License SKU ids as Microsoft publishes them.
const (
	skuM365E5             = "06ebc4ee-1bb5-47dd-8120-11324bc54e06"
	skuM365E3             = "05e9a617-0261-4cee-bb44-138d3ef5d965"
	skuM365BusinessPrem   = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46"
	skuExchangeOnlinePlan = "4b9405b0-7788-4568-add1-99614e613b69"
	skuEntraIDP2          = "eec0eb4f-6444-4f95-aba0-50c24d67f998"
	skuPowerBIPro         = "f8a1db68-be16-40ed-86d5-cb42ce701560"
	skuTeamsRoomsPro      = "4cde982a-ede4-4409-9ae6-b003453c8ea6"
)

type namedAccount struct{ local, name string }

var smtpDevices = []namedAccount{
	{"scanner", "Scanner"}, {"mfp", "MFP Scanner"}, {"noreply", "No Reply"}, {"svc-alerts", "Monitoring Alerts"},
}

var serviceTools = []namedAccount{
	{"svc-backup", "Backup Service"}, {"svc-psa-sync", "PSA Sync Service"}, {"svc-reporting", "Reporting Service"},
	{"svc-license-sync", "License Sync Service"}, {"svc-provisioning", "Provisioning Service"},
	{"svc-spo-migration", "SharePoint Migration Service"},
}
