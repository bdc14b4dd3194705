import { Testing } from "cdktf";
import { removeTestOutdir } from "./helpers/synth";

Testing.setupJest();
afterAll(removeTestOutdir);
